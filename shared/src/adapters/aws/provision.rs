//! Creates the table, bucket and queues the AWS adapters use, as `template.yaml` declares them,
//! on any endpoint that speaks the protocols (moto in tests, an emulator for local runs).
//! Creating what already exists is not an error, so it can run at every start.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;

use super::clients;
use crate::ports::QueueSettings;

/// Names of the resources to create.
#[derive(Clone, Debug)]
pub struct ResourceNames {
    pub table: String,
    pub bucket: String,
    pub queue: String,
    pub dead_letter_queue: String,
}

impl ResourceNames {
    /// Names for one isolated set of resources, such as one test's.
    pub fn prefixed(prefix: &str) -> Self {
        Self {
            table: format!("{prefix}-items"),
            bucket: format!("{prefix}-cvs"),
            queue: format!("{prefix}-jobs"),
            dead_letter_queue: format!("{prefix}-jobs-dlq"),
        }
    }
}

/// What provisioning made: the queue URLs the adapters need.
#[derive(Clone, Debug)]
pub struct Provisioned {
    pub queue_url: String,
    pub dead_letter_queue_url: String,
}

/// The table's key attributes and TTL attribute, as the template declares them.
pub const TABLE_KEY: (&str, &str) = ("pk", "sk");
pub const TABLE_TTL_ATTRIBUTE: &str = "expires_at";
/// How long the dead-letter queue keeps a message: 14 days, SQS's maximum.
pub const DEAD_LETTER_RETENTION_SECONDS: u32 = 14 * 24 * 3600;

pub async fn provision(
    sdk: &SdkConfig,
    names: &ResourceNames,
    queue: QueueSettings,
) -> anyhow::Result<Provisioned> {
    let (dynamodb, s3, sqs) = (clients::dynamodb(sdk), clients::s3(sdk), clients::sqs(sdk));
    create_table(&dynamodb, &names.table).await?;
    create_bucket(&s3, &names.bucket).await?;

    let dead_letter_queue_url = sqs
        .create_queue()
        .queue_name(&names.dead_letter_queue)
        .attributes(
            QueueAttributeName::MessageRetentionPeriod,
            DEAD_LETTER_RETENTION_SECONDS.to_string(),
        )
        .send()
        .await?
        .queue_url
        .ok_or_else(|| anyhow::anyhow!("no URL for the dead-letter queue"))?;
    let dead_letter_arn = sqs
        .get_queue_attributes()
        .queue_url(&dead_letter_queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes
        .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
        .ok_or_else(|| anyhow::anyhow!("no ARN for the dead-letter queue"))?;
    let redrive = serde_json::json!({
        "deadLetterTargetArn": dead_letter_arn,
        "maxReceiveCount": queue.max_receives,
    });
    let queue_url = sqs
        .create_queue()
        .queue_name(&names.queue)
        .attributes(
            QueueAttributeName::VisibilityTimeout,
            queue.visibility_timeout.as_secs().to_string(),
        )
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await?
        .queue_url
        .ok_or_else(|| anyhow::anyhow!("no URL for the job queue"))?;
    Ok(Provisioned {
        queue_url,
        dead_letter_queue_url,
    })
}

async fn create_table(client: &aws_sdk_dynamodb::Client, table: &str) -> anyhow::Result<()> {
    let key = |name: &str, key_type| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
    };
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(TABLE_KEY.0, KeyType::Hash)?)
        .key_schema(key(TABLE_KEY.1, KeyType::Range)?)
        .attribute_definitions(attribute(TABLE_KEY.0)?)
        .attribute_definitions(attribute(TABLE_KEY.1)?)
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TABLE_TTL_ATTRIBUTE)
                .enabled(true)
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}

async fn create_bucket(client: &aws_sdk_s3::Client, bucket: &str) -> anyhow::Result<()> {
    match client.create_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error().is_some_and(|e| {
                e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()
            }) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
