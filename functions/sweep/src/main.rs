//! The Lambda binary: a schedule's event in, one sweep of the queued work, its report out.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    cyi_shared::lambda::serve_schedule(|services| async move { services.sweep().run().await }).await
}
