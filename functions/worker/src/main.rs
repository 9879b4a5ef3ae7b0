//! The Lambda binary: SQS batches in, partial batch failures out.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    cyi_shared::lambda::serve_queue(cyi_worker::process_batch).await
}
