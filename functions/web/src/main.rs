//! The Lambda binary: the page's files behind API Gateway's default route.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    cyi_shared::lambda::serve_routes(cyi_web::router()).await
}
