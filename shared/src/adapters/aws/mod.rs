//! Adapters on AWS: DynamoDB, S3 and SQS clients built from one `SdkConfig`, loaded once at
//! start-up. The standard `AWS_ENDPOINT_URL` variables point them at any compatible endpoint.

pub mod dynamodb;
pub mod provision;
pub mod s3;
pub mod sqs;

pub use dynamodb::DynamoItemStore;
pub use s3::S3BlobStore;
pub use sqs::SqsJobQueue;

/// Loads the shared SDK configuration: region, credentials and endpoint overrides from the
/// environment, as every AWS tool does.
pub async fn load_sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// Reads a SecureString parameter (the token signing key) once at init.
pub async fn read_secure_parameter(
    sdk: &aws_config::SdkConfig,
    name: &str,
) -> anyhow::Result<Vec<u8>> {
    let output = aws_sdk_ssm::Client::new(sdk)
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("reading SSM parameter {name}: {e}"))?;
    output
        .parameter
        .and_then(|p| p.value)
        .map(String::into_bytes)
        .ok_or_else(|| anyhow::anyhow!("SSM parameter {name} has no value"))
}

/// Clients for each service, built from the shared configuration.
pub mod clients {
    use aws_config::SdkConfig;

    pub fn dynamodb(sdk: &SdkConfig) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(sdk)
    }

    pub fn sqs(sdk: &SdkConfig) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(sdk)
    }

    /// Path-style addressing when an endpoint is overridden: a local endpoint has no DNS for
    /// `bucket.host` names.
    pub fn s3(sdk: &SdkConfig) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(
                sdk.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some(),
            )
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }
}
