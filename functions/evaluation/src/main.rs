//! The Lambda binary: the function's routes behind API Gateway.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    cyi_shared::lambda::serve_http(cyi_evaluation::router).await
}
