//! The Lambda binary: SQS batches in, partial batch failures out.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    cyi_worker::cv_text::install_panic_hook();
    cyi_shared::lambda::serve_queue(cyi_worker::process_batch).await
}
