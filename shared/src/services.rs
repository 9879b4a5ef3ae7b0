//! The wiring: the adapters a process runs with, built once at start-up from its
//! configuration and shared by every request, and the use cases built from them. A Lambda
//! function, the local host and the operator tools all build here.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;

use crate::accounts::Accounts;
use crate::accounts::tokens::TokenAuthority;
use crate::config::{Config, ItemStoreLocation, JobQueueLocation, Limits, SigningKeySource};
use crate::cvs::Cvs;
use crate::interviews::Interviews;
use crate::interviews::jobs::InterviewJobs;
use crate::llm::chat::{ChatLlm, Provider};
use crate::llm::offline::OfflineLlm;
use crate::ports::{BlobStore, Clock, IdGenerator, ItemStore, JobQueue, Llm};
use crate::postings::Postings;
use crate::storage::accounts::AccountStore;
use crate::storage::bank::{BankCache, BankCatalog};
use crate::storage::cvs::CvStore;
use crate::storage::interviews::InterviewStore;
use crate::storage::job_runs::JobRuns;
use crate::storage::pending_work::PendingWork;
use crate::storage::postings::PostingStore;
use crate::sweep::Sweep;

/// The ports a process runs with; every use case is built from these.
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
    pub bank: Arc<BankCache>,
    /// Writes personal questions and evaluates answers (offline unless providers are set).
    pub llm: Arc<dyn Llm>,
}

impl Services {
    pub fn accounts(&self) -> Accounts {
        Accounts::new(
            AccountStore::new(Arc::clone(&self.store)),
            Arc::clone(&self.blobs),
            Arc::clone(&self.clock),
            Arc::clone(&self.ids),
            Arc::clone(&self.tokens),
        )
    }

    pub fn cvs(&self) -> Cvs {
        Cvs::new(
            CvStore::new(Arc::clone(&self.store)),
            PendingWork::new(Arc::clone(&self.store)),
            Arc::clone(&self.blobs),
            Arc::clone(&self.queue),
            Arc::clone(&self.clock),
            Arc::clone(&self.ids),
        )
    }

    pub fn postings(&self) -> Postings {
        Postings::new(
            PostingStore::new(Arc::clone(&self.store)),
            Arc::clone(&self.clock),
            Arc::clone(&self.ids),
        )
    }

    pub fn bank_catalog(&self) -> BankCatalog {
        BankCatalog::new(Arc::clone(&self.store), Arc::clone(&self.bank))
    }

    pub fn interviews(&self) -> Interviews {
        Interviews {
            repo: InterviewStore::new(Arc::clone(&self.store)),
            cvs: CvStore::new(Arc::clone(&self.store)),
            postings: PostingStore::new(Arc::clone(&self.store)),
            bank: self.bank_catalog(),
            pending: PendingWork::new(Arc::clone(&self.store)),
            queue: Arc::clone(&self.queue),
            clock: Arc::clone(&self.clock),
            ids: Arc::clone(&self.ids),
            quota: self.limits.interview_quota,
        }
    }

    pub fn sweep(&self) -> Sweep {
        Sweep::new(
            PendingWork::new(Arc::clone(&self.store)),
            self.cvs(),
            self.interview_jobs(),
            Arc::clone(&self.queue),
            Arc::clone(&self.clock),
        )
    }

    pub fn interview_jobs(&self) -> InterviewJobs {
        InterviewJobs::new(
            InterviewStore::new(Arc::clone(&self.store)),
            CvStore::new(Arc::clone(&self.store)),
            JobRuns::new(Arc::clone(&self.store)),
            self.bank_catalog(),
            Arc::clone(&self.llm),
            Arc::clone(&self.clock),
        )
    }
}

impl FromRef<Services> for Accounts {
    fn from_ref(services: &Services) -> Self {
        services.accounts()
    }
}

impl FromRef<Services> for Cvs {
    fn from_ref(services: &Services) -> Self {
        services.cvs()
    }
}

impl FromRef<Services> for Postings {
    fn from_ref(services: &Services) -> Self {
        services.postings()
    }
}

impl FromRef<Services> for Interviews {
    fn from_ref(services: &Services) -> Self {
        services.interviews()
    }
}

impl FromRef<Services> for BankCatalog {
    fn from_ref(services: &Services) -> Self {
        services.bank_catalog()
    }
}

impl FromRef<Services> for Limits {
    fn from_ref(services: &Services) -> Self {
        services.limits
    }
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

/// The model the providers name: the chain when there is one, the offline model otherwise.
pub fn llm(providers: Vec<Provider>) -> anyhow::Result<Arc<dyn Llm>> {
    Ok(if providers.is_empty() {
        Arc::new(OfflineLlm)
    } else {
        Arc::new(ChatLlm::new(providers)?)
    })
}

impl Services {
    /// Builds the adapters the configuration names, and with the embedded backend also the
    /// parts a host serves or drains itself. An embedded backend in a build without the
    /// `embedded` feature (a Lambda build) is a configuration error, not a panic.
    #[cfg(any(feature = "aws", feature = "embedded"))]
    pub async fn from_config(config: &Config) -> anyhow::Result<(Self, Option<EmbeddedParts>)> {
        // Only the AWS family fills in secrets held in SSM.
        #[cfg_attr(not(feature = "aws"), allow(unused_mut))]
        let mut settings = Settings::from_config(config);
        #[cfg_attr(not(feature = "aws"), allow(unused_mut))]
        let mut providers = config.llm_providers.clone();
        let (mut services, parts) = match &config.backend {
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
                (Self::aws(&sdk, resources, &settings)?, None)
            }
            #[cfg(feature = "embedded")]
            crate::config::Backend::Embedded {
                data_dir,
                public_base_url,
                job_queue,
            } => {
                let (services, parts) =
                    Self::embedded(data_dir, public_base_url, job_queue, &settings)?;
                (services, Some(parts))
            }
            #[allow(unreachable_patterns)]
            other => anyhow::bail!(
                "configuration: STORAGE_BACKEND selects {other:?}, which this build does not include"
            ),
        };
        services.llm = llm(providers)?;
        Ok((services, parts))
    }

    #[cfg(feature = "aws")]
    pub fn aws(
        sdk: &aws_config::SdkConfig,
        resources: &crate::config::AwsResources,
        settings: &Settings,
    ) -> anyhow::Result<Self> {
        use crate::adapters::aws::{DynamoItemStore, S3BlobStore, clients};
        let tokens = settings.tokens(|| anyhow::bail!("the aws backend needs a signing key"))?;
        Ok(Self {
            store: Arc::new(DynamoItemStore::new(
                clients::dynamodb(sdk),
                &resources.table,
            )),
            blobs: Arc::new(S3BlobStore::new(clients::s3(sdk), &resources.bucket)),
            queue: sqs_job_queue(sdk, &resources.queue),
            clock: Arc::new(crate::ports::SystemClock),
            ids: Arc::new(crate::ports::UuidV7Ids),
            tokens,
            limits: settings.limits,
            bank: Arc::default(),
            llm: Arc::new(OfflineLlm),
        })
    }

    /// The embedded family under `data_dir`; also returns the parts a host serves itself.
    #[cfg(feature = "embedded")]
    pub fn embedded(
        data_dir: &std::path::Path,
        public_base_url: &str,
        queue: &EmbeddedQueue,
        settings: &Settings,
    ) -> anyhow::Result<(Self, EmbeddedParts)> {
        use crate::adapters::embedded::{DirectoryBlobStore, SqliteItemStore};
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
        let services = Self {
            store: Arc::new(SqliteItemStore::open(&data_dir.join(SQLITE_FILE))?),
            blobs: blobs.clone(),
            queue: embedded_job_queue(data_dir, queue)?,
            clock: Arc::new(crate::ports::SystemClock),
            ids: Arc::new(crate::ports::UuidV7Ids),
            tokens,
            limits: settings.limits,
            bank: Arc::default(),
            llm: Arc::new(OfflineLlm),
        };
        Ok((services, EmbeddedParts { blobs }))
    }
}

/// The embedded item store's file in the data folder.
pub const SQLITE_FILE: &str = "items.sqlite3";
/// The shared embedded job queue's file in the data folder.
pub const JOBS_FILE: &str = "jobs.sqlite3";

#[cfg(feature = "embedded")]
use crate::config::{EmbeddedQueue, EmbeddedQueueKind};

#[cfg(feature = "aws")]
fn sqs_job_queue(
    sdk: &aws_config::SdkConfig,
    queue: &crate::config::SqsQueue,
) -> Arc<dyn JobQueue> {
    Arc::new(crate::adapters::aws::SqsJobQueue::new(
        crate::adapters::aws::clients::sqs(sdk),
        queue.queue_url.clone(),
        queue.dead_letter_queue_url.clone(),
        queue.max_receives,
    ))
}

#[cfg(feature = "embedded")]
fn embedded_job_queue(
    data_dir: &std::path::Path,
    queue: &EmbeddedQueue,
) -> anyhow::Result<Arc<dyn JobQueue>> {
    use crate::adapters::embedded::{InProcessJobQueue, SqliteJobQueue};
    Ok(match queue.kind {
        EmbeddedQueueKind::InProcess => Arc::new(InProcessJobQueue::new(queue.settings)),
        EmbeddedQueueKind::Sqlite => {
            std::fs::create_dir_all(data_dir)?;
            Arc::new(SqliteJobQueue::open(
                &data_dir.join(JOBS_FILE),
                queue.settings,
            )?)
        }
    })
}

/// Opens the job queue alone, for a process that only moves jobs (`cyi-local pump`).
#[cfg(any(feature = "aws", feature = "embedded"))]
pub async fn job_queue(location: &JobQueueLocation) -> anyhow::Result<Arc<dyn JobQueue>> {
    match location {
        #[cfg(feature = "aws")]
        JobQueueLocation::Sqs(queue) => Ok(sqs_job_queue(
            &crate::adapters::aws::load_sdk_config().await,
            queue,
        )),
        #[cfg(feature = "embedded")]
        JobQueueLocation::Embedded { data_dir, queue } => embedded_job_queue(data_dir, queue),
        #[allow(unreachable_patterns)]
        other => anyhow::bail!(
            "configuration: STORAGE_BACKEND selects {other:?}, which this build does not include"
        ),
    }
}

/// Opens the item store alone, for tools that need nothing else (`cyi-bank load`).
#[cfg(any(feature = "aws", feature = "embedded"))]
pub async fn item_store(location: &ItemStoreLocation) -> anyhow::Result<Arc<dyn ItemStore>> {
    match location {
        #[cfg(feature = "aws")]
        ItemStoreLocation::DynamoDb { table } => {
            let sdk = crate::adapters::aws::load_sdk_config().await;
            Ok(Arc::new(crate::adapters::aws::DynamoItemStore::new(
                crate::adapters::aws::clients::dynamodb(&sdk),
                table,
            )))
        }
        #[cfg(feature = "embedded")]
        ItemStoreLocation::Sqlite { data_dir } => {
            std::fs::create_dir_all(data_dir)?;
            Ok(Arc::new(crate::adapters::embedded::SqliteItemStore::open(
                &data_dir.join(SQLITE_FILE),
            )?))
        }
        #[allow(unreachable_patterns)]
        other => anyhow::bail!(
            "configuration: STORAGE_BACKEND selects {other:?}, which this build does not include"
        ),
    }
}

/// The concrete embedded adapters a host needs beyond the ports: the blob folder, whose
/// upload route it serves.
#[cfg(feature = "embedded")]
pub struct EmbeddedParts {
    pub blobs: Arc<crate::adapters::embedded::DirectoryBlobStore>,
}

/// Without the embedded family there are no embedded parts.
#[cfg(not(feature = "embedded"))]
pub enum EmbeddedParts {}
