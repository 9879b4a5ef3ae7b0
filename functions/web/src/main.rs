//! The Lambda binary: the page's files behind the HTTP API, allowed to upload CVs straight to
//! the bucket its presigned URLs name (`BUCKET_NAME`, in the Lambda's own `AWS_REGION`).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let uploads = match (std::env::var("BUCKET_NAME"), std::env::var("AWS_REGION")) {
        (Ok(bucket), Ok(region)) => cyi_web::bucket_origins(&bucket, &region),
        _ => Vec::new(),
    };
    cyi_shared::lambda::serve_routes(cyi_web::router_with_uploads_to(&uploads)).await
}
