//! The adapters a function runs with, built once at start-up and shared by every request.

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::tokens::TokenAuthority;
use crate::config::{Config, Limits, SigningKeySource};
use crate::ports::{BlobStore, Clock, IdGenerator, ItemStore, JobQueue};

#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn ItemStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn JobQueue>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
    pub tokens: Arc<TokenAuthority>,
    pub limits: Limits,
    /// The question bank, read from the store once per instance and refreshed.
    pub bank: Arc<crate::bank::BankCache>,
    /// Writes personal questions and evaluates answers (offline unless providers are set).
    pub llm: Arc<dyn crate::llm::Llm>,
}

/// What the services need besides the adapters.
#[derive(Clone)]
pub struct Settings {
    /// The token signing key; `None` on the embedded backend means "the data folder's".
    pub signing_key: Option<Vec<u8>>,
    pub access_token_lifetime: Duration,
    pub limits: Limits,
}

impl Settings {
    /// The settings a configuration names; a key held in SSM is filled in by the caller.
    pub fn from_config(config: &Config) -> Self {
        Self {
            signing_key: match &config.signing_key {
                SigningKeySource::Value(key) => Some(key.clone()),
                SigningKeySource::SsmParameter(_) | SigningKeySource::DataFolder => None,
            },
            access_token_lifetime: config.access_token_lifetime,
            limits: config.limits,
        }
    }

    #[cfg(any(feature = "aws", feature = "embedded"))]
    fn tokens(
        &self,
        fallback_key: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    ) -> anyhow::Result<Arc<TokenAuthority>> {
        let key = match &self.signing_key {
            Some(key) => key.clone(),
            None => fallback_key()?,
        };
        Ok(Arc::new(TokenAuthority::new(
            &key,
            self.access_token_lifetime,
        )?))
    }
}

impl Services {
    /// Builds the adapters the configuration names. An embedded backend in a build without
    /// the `embedded` feature (a Lambda build) is a configuration error, not a panic.
    #[cfg(any(feature = "aws", feature = "embedded"))]
    pub async fn from_config(config: &Config) -> anyhow::Result<Self> {
        // Only the AWS family fills in secrets held in SSM.
        #[cfg_attr(not(feature = "aws"), allow(unused_mut))]
        let mut settings = Settings::from_config(config);
        #[cfg_attr(not(feature = "aws"), allow(unused_mut))]
        let mut providers = config.llm_providers.clone();
        match &config.backend {
            #[cfg(feature = "aws")]
            crate::config::Backend::Aws(resources) => {
                let sdk = crate::adapters::aws::load_sdk_config().await;
                if let SigningKeySource::SsmParameter(name) = &config.signing_key {
                    let key = crate::adapters::aws::read_secure_parameter(&sdk, name).await?;
                    settings.signing_key = Some(key);
                }
                for provider in &mut providers {
                    if let Some(name) = &provider.api_key_parameter {
                        let key = crate::adapters::aws::read_secure_parameter(&sdk, name).await?;
                        provider.api_key = Some(String::from_utf8(key)?);
                    }
                }
                Self::aws(&sdk, resources, &settings)?.with_llm_providers(providers)
            }
            #[cfg(feature = "embedded")]
            crate::config::Backend::Embedded {
                data_dir,
                public_base_url,
            } => Self::embedded(
                data_dir,
                public_base_url,
                crate::ports::QueueSettings::PRODUCTION,
                &settings,
            )?
            .0
            .with_llm_providers(providers),
            #[allow(unreachable_patterns)]
            other => anyhow::bail!(
                "configuration: STORAGE_BACKEND selects {other:?}, which this build does not include"
            ),
        }
    }

    /// Uses the provider chain when one is configured; the offline model otherwise.
    pub fn with_llm_providers(
        mut self,
        providers: Vec<crate::llm::chat::Provider>,
    ) -> anyhow::Result<Self> {
        if !providers.is_empty() {
            self.llm = Arc::new(crate::llm::chat::ChatLlm::new(providers)?);
        }
        Ok(self)
    }

    #[cfg(feature = "aws")]
    pub fn aws(
        sdk: &aws_config::SdkConfig,
        resources: &crate::config::AwsResources,
        settings: &Settings,
    ) -> anyhow::Result<Self> {
        use crate::adapters::aws::{DynamoItemStore, S3BlobStore, SqsJobQueue, clients};
        let tokens = settings.tokens(|| anyhow::bail!("the aws backend needs a signing key"))?;
        Ok(Self {
            store: Arc::new(DynamoItemStore::new(
                clients::dynamodb(sdk),
                &resources.table,
            )),
            blobs: Arc::new(S3BlobStore::new(clients::s3(sdk), &resources.bucket)),
            queue: Arc::new(SqsJobQueue::new(
                clients::sqs(sdk),
                resources.queue_url.clone(),
                resources.dead_letter_queue_url.clone(),
            )),
            clock: Arc::new(crate::ports::SystemClock),
            ids: Arc::new(crate::ports::UuidV7Ids),
            tokens,
            limits: settings.limits,
            bank: Arc::default(),
            llm: Arc::new(crate::llm::offline::OfflineLlm),
        })
    }

    /// The embedded family under `data_dir`; also returns the in-process queue, which the
    /// host drains into the worker.
    #[cfg(feature = "embedded")]
    pub fn embedded(
        data_dir: &std::path::Path,
        public_base_url: &str,
        queue: crate::ports::QueueSettings,
        settings: &Settings,
    ) -> anyhow::Result<(Self, EmbeddedParts)> {
        use crate::adapters::embedded::{DirectoryBlobStore, InProcessJobQueue, SqliteItemStore};
        std::fs::create_dir_all(data_dir)?;
        let tokens = settings.tokens(|| {
            Ok(crate::secrets::load_or_create_key(
                &data_dir.join("token-signing.key"),
            )?)
        })?;
        let blobs = Arc::new(DirectoryBlobStore::open(
            &data_dir.join("blobs"),
            public_base_url,
        )?);
        let queue = Arc::new(InProcessJobQueue::new(queue));
        let services = Self {
            store: Arc::new(SqliteItemStore::open(&data_dir.join("items.sqlite3"))?),
            blobs: blobs.clone(),
            queue: queue.clone(),
            clock: Arc::new(crate::ports::SystemClock),
            ids: Arc::new(crate::ports::UuidV7Ids),
            tokens,
            limits: settings.limits,
            bank: Arc::default(),
            llm: Arc::new(crate::llm::offline::OfflineLlm),
        };
        Ok((services, EmbeddedParts { blobs, queue }))
    }
}

/// The concrete embedded adapters a host needs beyond the ports: the upload route and the
/// queue to drain.
#[cfg(feature = "embedded")]
pub struct EmbeddedParts {
    pub blobs: Arc<crate::adapters::embedded::DirectoryBlobStore>,
    pub queue: Arc<crate::adapters::embedded::InProcessJobQueue>,
}
