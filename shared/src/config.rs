//! Typed configuration, read once at start-up from the environment. A missing or invalid
//! variable stops start-up with a message that names it.

use std::path::PathBuf;
use std::str::FromStr;

use crate::ports::QueueSettings;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration: {name} {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

/// Reads variables by name; the process environment in production, a map in tests.
pub trait VariableSource {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl VariableSource for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

/// Values given by a host (its flags) in front of another source.
pub struct Overlay<'a> {
    pub values: std::collections::HashMap<&'static str, String>,
    pub fallback: &'a dyn VariableSource,
}

impl VariableSource for Overlay<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.values
            .get(name)
            .cloned()
            .or_else(|| self.fallback.get(name))
    }
}

impl VariableSource for std::collections::HashMap<&str, &str> {
    fn get(&self, name: &str) -> Option<String> {
        std::collections::HashMap::get(self, name).map(|v| (*v).to_owned())
    }
}

pub fn required(env: &dyn VariableSource, name: &'static str) -> Result<String, ConfigError> {
    env.get(name).ok_or(ConfigError {
        name,
        problem: "is required but not set".into(),
    })
}

pub fn parsed_or<T: FromStr>(
    env: &dyn VariableSource,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env.get(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| ConfigError {
            name,
            problem: format!("has an invalid value `{raw}`: {e}"),
        }),
    }
}

/// Where the item store, blobs and jobs live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// DynamoDB, S3 and SQS (endpoints overridable by `AWS_ENDPOINT_URL`).
    Aws(AwsResources),
    /// A SQLite file and a directory under `data_dir`, jobs in process or in a shared file.
    Embedded {
        data_dir: PathBuf,
        public_base_url: String,
        job_queue: EmbeddedQueue,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsResources {
    pub table: String,
    pub bucket: String,
    pub queue: SqsQueue,
}

/// The job queue on SQS and its dead-letter queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqsQueue {
    pub queue_url: String,
    pub dead_letter_queue_url: String,
    /// The queue's `maxReceiveCount` (`JOB_MAX_RECEIVES`), so the worker knows its last try.
    pub max_receives: u32,
}

/// The embedded backend's job queue (`JOB_QUEUE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedQueue {
    pub kind: EmbeddedQueueKind,
    /// `JOB_VISIBILITY_SECONDS` and `JOB_MAX_RECEIVES`: what SQS keeps as the queue's
    /// attributes, so every process sharing the queue needs the same.
    pub settings: QueueSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbeddedQueueKind {
    /// `in-process` (the default): in this process's memory, drained by a worker in it.
    InProcess,
    /// `sqlite`: a SQLite file in the data folder, shared by every process on it (the
    /// functions under `cargo lambda watch` and `cyi-local pump`).
    Sqlite,
}

/// Where jobs are queued: all that a process which only moves jobs needs (`cyi-local pump`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobQueueLocation {
    Sqs(SqsQueue),
    Embedded {
        data_dir: PathBuf,
        queue: EmbeddedQueue,
    },
}

impl JobQueueLocation {
    /// `STORAGE_BACKEND` with the queue's variables (aws) or `DATA_DIR` and `JOB_QUEUE`
    /// (embedded), nothing else.
    pub fn from_source(env: &dyn VariableSource) -> Result<Self, ConfigError> {
        match backend_name(env)? {
            BackendName::Aws => Ok(Self::Sqs(sqs_queue(env)?)),
            BackendName::Embedded => Ok(Self::Embedded {
                data_dir: PathBuf::from(required(env, "DATA_DIR")?),
                queue: embedded_queue(env)?,
            }),
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }
}

fn sqs_queue(env: &dyn VariableSource) -> Result<SqsQueue, ConfigError> {
    Ok(SqsQueue {
        queue_url: required(env, "QUEUE_URL")?,
        dead_letter_queue_url: required(env, "DEAD_LETTER_QUEUE_URL")?,
        max_receives: max_receives(env)?,
    })
}

fn embedded_queue(env: &dyn VariableSource) -> Result<EmbeddedQueue, ConfigError> {
    let kind = match env.get("JOB_QUEUE").as_deref() {
        None | Some("in-process") => EmbeddedQueueKind::InProcess,
        Some("sqlite") => EmbeddedQueueKind::Sqlite,
        Some(other) => {
            return Err(ConfigError {
                name: "JOB_QUEUE",
                problem: format!("must be `in-process` or `sqlite`, not `{other}`"),
            });
        }
    };
    let production = QueueSettings::PRODUCTION;
    let seconds = in_range(
        env,
        "JOB_VISIBILITY_SECONDS",
        production.visibility_timeout.as_secs(),
        0..=MAX_VISIBILITY_SECONDS,
    )?;
    Ok(EmbeddedQueue {
        kind,
        settings: QueueSettings {
            visibility_timeout: std::time::Duration::from_secs(seconds),
            max_receives: max_receives(env)?,
        },
    })
}

/// SQS's limits: a visibility timeout of at most 12 hours, 1 to 1,000 receives.
const MAX_VISIBILITY_SECONDS: u64 = 12 * 3600;

fn max_receives(env: &dyn VariableSource) -> Result<u32, ConfigError> {
    in_range(
        env,
        "JOB_MAX_RECEIVES",
        QueueSettings::PRODUCTION.max_receives,
        1..=1000,
    )
}

/// A number in a range, or its default when unset.
fn in_range<T>(
    env: &dyn VariableSource,
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + std::fmt::Display,
    T::Err: std::fmt::Display,
{
    let value = parsed_or(env, name, default)?;
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError {
            name,
            problem: format!("must be {} to {}, not {value}", range.start(), range.end()),
        })
    }
}

/// Where the item store lives: all that a tool which only reads and writes items needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemStoreLocation {
    DynamoDb { table: String },
    Sqlite { data_dir: PathBuf },
}

impl ItemStoreLocation {
    /// `STORAGE_BACKEND` with `TABLE_NAME` (aws) or `DATA_DIR` (embedded), nothing else.
    pub fn from_source(env: &dyn VariableSource) -> Result<Self, ConfigError> {
        match backend_name(env)? {
            BackendName::Aws => Ok(Self::DynamoDb {
                table: required(env, "TABLE_NAME")?,
            }),
            BackendName::Embedded => Ok(Self::Sqlite {
                data_dir: PathBuf::from(required(env, "DATA_DIR")?),
            }),
        }
    }

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }
}

enum BackendName {
    Aws,
    Embedded,
}

fn backend_name(env: &dyn VariableSource) -> Result<BackendName, ConfigError> {
    match env.get("STORAGE_BACKEND").as_deref() {
        None | Some("aws") => Ok(BackendName::Aws),
        Some("embedded") => Ok(BackendName::Embedded),
        Some(other) => Err(ConfigError {
            name: "STORAGE_BACKEND",
            problem: format!("must be `aws` or `embedded`, not `{other}`"),
        }),
    }
}

/// Where the token signing key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum SigningKeySource {
    /// `TOKEN_SIGNING_KEY`, at least 32 bytes.
    Value(Vec<u8>),
    /// `TOKEN_SIGNING_KEY_PARAMETER`: an SSM SecureString parameter read at init.
    SsmParameter(String),
    /// Neither set, embedded backend: a key generated on first run into the data folder.
    DataFolder,
}

impl std::fmt::Debug for SigningKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Value(_) => f.write_str("Value([redacted])"),
            Self::SsmParameter(name) => write!(f, "SsmParameter({name})"),
            Self::DataFolder => f.write_str("DataFolder"),
        }
    }
}

/// Product rules that operators may tune.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Interviews each account may create.
    pub interview_quota: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { interview_quota: 5 }
    }
}

/// Settings every function reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub backend: Backend,
    /// Origins a browser front end may call the API from; empty allows none.
    pub cors_allowed_origins: Vec<String>,
    pub signing_key: SigningKeySource,
    pub access_token_lifetime: std::time::Duration,
    pub limits: Limits,
    /// The LLM provider chain; empty means the offline model.
    pub llm_providers: Vec<crate::llm::chat::Provider>,
}

pub const DEFAULT_PUBLIC_BASE_URL: &str = "http://127.0.0.1:3000";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }

    pub fn from_source(env: &dyn VariableSource) -> Result<Self, ConfigError> {
        let backend = match backend_name(env)? {
            BackendName::Aws => Backend::Aws(AwsResources {
                table: required(env, "TABLE_NAME")?,
                bucket: required(env, "BUCKET_NAME")?,
                queue: sqs_queue(env)?,
            }),
            BackendName::Embedded => Backend::Embedded {
                data_dir: PathBuf::from(required(env, "DATA_DIR")?),
                public_base_url: env
                    .get("PUBLIC_BASE_URL")
                    .unwrap_or_else(|| DEFAULT_PUBLIC_BASE_URL.to_owned()),
                job_queue: embedded_queue(env)?,
            },
        };
        let signing_key = signing_key(env, &backend)?;
        let minutes: u64 = in_range(env, "ACCESS_TOKEN_MINUTES", 60, 1..=24 * 60)?;
        let interview_quota = in_range(
            env,
            "INTERVIEW_QUOTA",
            Limits::default().interview_quota,
            0..=10_000,
        )?;
        Ok(Self {
            backend,
            cors_allowed_origins: cors_origins(env)?,
            signing_key,
            access_token_lifetime: std::time::Duration::from_secs(minutes * 60),
            limits: Limits { interview_quota },
            llm_providers: llm_providers(env)?,
        })
    }
}

/// `LLM_PROVIDERS`: a JSON array of providers, tried in order. Keys come from the variable
/// each names in `api_key_env` (resolved here) or from SSM (`api_key_parameter`, at init).
fn llm_providers(env: &dyn VariableSource) -> Result<Vec<crate::llm::chat::Provider>, ConfigError> {
    let Some(raw) = env.get("LLM_PROVIDERS") else {
        return Ok(Vec::new());
    };
    let invalid = |problem: String| ConfigError {
        name: "LLM_PROVIDERS",
        problem,
    };
    let mut providers: Vec<crate::llm::chat::Provider> = serde_json::from_str(&raw)
        .map_err(|e| invalid(format!("is not a JSON array of providers: {e}")))?;
    for provider in &mut providers {
        if !(provider.base_url.starts_with("https://") || provider.base_url.starts_with("http://"))
        {
            return Err(invalid(format!(
                "`{}` needs an http(s) base_url",
                provider.name
            )));
        }
        if let Some(variable) = &provider.api_key_env {
            provider.api_key = Some(env.get(variable).ok_or_else(|| {
                invalid(format!(
                    "`{}` reads its key from {variable}, which is not set",
                    provider.name
                ))
            })?);
        }
    }
    Ok(providers)
}

fn signing_key(
    env: &dyn VariableSource,
    backend: &Backend,
) -> Result<SigningKeySource, ConfigError> {
    match (
        env.get("TOKEN_SIGNING_KEY"),
        env.get("TOKEN_SIGNING_KEY_PARAMETER"),
    ) {
        (Some(_), Some(_)) => Err(ConfigError {
            name: "TOKEN_SIGNING_KEY",
            problem: "and TOKEN_SIGNING_KEY_PARAMETER are both set; set one".into(),
        }),
        (Some(key), None) if key.len() < 32 => Err(ConfigError {
            name: "TOKEN_SIGNING_KEY",
            problem: "must be at least 32 bytes of random data".into(),
        }),
        (Some(key), None) => Ok(SigningKeySource::Value(key.into_bytes())),
        (None, Some(parameter)) => Ok(SigningKeySource::SsmParameter(parameter)),
        (None, None) => match backend {
            Backend::Embedded { .. } => Ok(SigningKeySource::DataFolder),
            Backend::Aws(_) => Err(ConfigError {
                name: "TOKEN_SIGNING_KEY_PARAMETER",
                problem: "is required (or TOKEN_SIGNING_KEY) with the aws backend".into(),
            }),
        },
    }
}

pub fn cors_origins(env: &dyn VariableSource) -> Result<Vec<String>, ConfigError> {
    let Some(raw) = env.get("CORS_ALLOWED_ORIGINS") else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && http::HeaderValue::from_str(origin).is_ok();
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(ConfigError {
                    name: "CORS_ALLOWED_ORIGINS",
                    problem: format!(
                        "holds `{origin}`, not an origin like `https://app.example.com`"
                    ),
                })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn the_aws_backend_needs_a_signing_key_and_a_long_one() {
        let mut env = HashMap::from([
            ("TABLE_NAME", "t"),
            ("BUCKET_NAME", "b"),
            ("QUEUE_URL", "q"),
            ("DEAD_LETTER_QUEUE_URL", "d"),
        ]);
        assert_eq!(
            Config::from_source(&env).unwrap_err().name,
            "TOKEN_SIGNING_KEY_PARAMETER"
        );
        env.insert("TOKEN_SIGNING_KEY", "too short");
        assert_eq!(
            Config::from_source(&env).unwrap_err().name,
            "TOKEN_SIGNING_KEY"
        );
        env.remove("TOKEN_SIGNING_KEY");
        env.insert("TOKEN_SIGNING_KEY_PARAMETER", "/cyi/token-key");
        env.insert("INTERVIEW_QUOTA", "seven");
        assert_eq!(
            Config::from_source(&env).unwrap_err().name,
            "INTERVIEW_QUOTA"
        );
        env.insert("INTERVIEW_QUOTA", "7");
        let config = Config::from_source(&env).unwrap();
        assert_eq!(
            config.signing_key,
            SigningKeySource::SsmParameter("/cyi/token-key".into())
        );
        assert_eq!(config.limits.interview_quota, 7);
        assert_eq!(config.access_token_lifetime.as_secs(), 3600);
    }

    #[test]
    fn llm_providers_are_parsed_with_their_keys() {
        let mut env = HashMap::from([
            ("STORAGE_BACKEND", "embedded"),
            ("DATA_DIR", "/tmp/x"),
            (
                "LLM_PROVIDERS",
                r#"[{"name": "main", "base_url": "https://llm.example/v1", "model": "m", "api_key_env": "MAIN_KEY", "timeout": 5}]"#,
            ),
        ]);
        assert_eq!(Config::from_source(&env).unwrap_err().name, "LLM_PROVIDERS");
        env.insert("MAIN_KEY", "secret");
        let providers = Config::from_source(&env).unwrap().llm_providers;
        assert_eq!(providers[0].api_key.as_deref(), Some("secret"));
        assert!(
            !format!("{providers:?}").contains("secret"),
            "keys never reach a log"
        );
        env.insert("LLM_PROVIDERS", "not json");
        assert_eq!(Config::from_source(&env).unwrap_err().name, "LLM_PROVIDERS");
    }

    #[test]
    fn aws_backend_names_the_first_missing_variable() {
        let env = HashMap::from([("TABLE_NAME", "t"), ("BUCKET_NAME", "b")]);
        let error = Config::from_source(&env).unwrap_err();
        assert_eq!(error.name, "QUEUE_URL");
        assert!(error.to_string().contains("QUEUE_URL is required"));
    }

    #[test]
    fn a_store_location_needs_only_the_table_or_the_folder() {
        let env = HashMap::from([("TABLE_NAME", "t")]);
        assert_eq!(
            ItemStoreLocation::from_source(&env).unwrap(),
            ItemStoreLocation::DynamoDb { table: "t".into() }
        );
        let env = HashMap::from([("STORAGE_BACKEND", "embedded"), ("DATA_DIR", "/tmp/x")]);
        assert_eq!(
            ItemStoreLocation::from_source(&env).unwrap(),
            ItemStoreLocation::Sqlite {
                data_dir: PathBuf::from("/tmp/x")
            }
        );
        let env = HashMap::from([("STORAGE_BACKEND", "embedded")]);
        assert_eq!(
            ItemStoreLocation::from_source(&env).unwrap_err().name,
            "DATA_DIR"
        );
    }

    #[test]
    fn the_shared_queue_is_named_with_its_attributes_and_only_those() {
        let mut env = HashMap::from([
            ("STORAGE_BACKEND", "embedded"),
            ("DATA_DIR", "/tmp/x"),
            ("JOB_QUEUE", "sqlite"),
            ("JOB_VISIBILITY_SECONDS", "2"),
            ("JOB_MAX_RECEIVES", "3"),
        ]);
        let expected = JobQueueLocation::Embedded {
            data_dir: PathBuf::from("/tmp/x"),
            queue: EmbeddedQueue {
                kind: EmbeddedQueueKind::Sqlite,
                settings: QueueSettings {
                    visibility_timeout: std::time::Duration::from_secs(2),
                    max_receives: 3,
                },
            },
        };
        assert_eq!(JobQueueLocation::from_source(&env).unwrap(), expected);
        env.insert("JOB_QUEUE", "redis");
        assert_eq!(
            JobQueueLocation::from_source(&env).unwrap_err().name,
            "JOB_QUEUE"
        );
        env.insert("JOB_QUEUE", "sqlite");
        env.insert("JOB_MAX_RECEIVES", "0");
        assert_eq!(
            JobQueueLocation::from_source(&env).unwrap_err().name,
            "JOB_MAX_RECEIVES"
        );
        let env = HashMap::from([("QUEUE_URL", "q"), ("DEAD_LETTER_QUEUE_URL", "d")]);
        assert_eq!(
            JobQueueLocation::from_source(&env).unwrap(),
            JobQueueLocation::Sqs(SqsQueue {
                queue_url: "q".into(),
                dead_letter_queue_url: "d".into(),
                max_receives: QueueSettings::PRODUCTION.max_receives,
            })
        );
    }

    #[test]
    fn unknown_backend_is_refused_by_name() {
        let env = HashMap::from([("STORAGE_BACKEND", "postgres")]);
        let error = Config::from_source(&env).unwrap_err();
        assert_eq!(error.name, "STORAGE_BACKEND");
        assert!(error.problem.contains("postgres"));
    }

    #[test]
    fn embedded_backend_reads_its_folder_and_origins() {
        let env = HashMap::from([
            ("STORAGE_BACKEND", "embedded"),
            ("DATA_DIR", "/tmp/x"),
            (
                "CORS_ALLOWED_ORIGINS",
                "https://a.example, http://localhost:5173",
            ),
        ]);
        let config = Config::from_source(&env).unwrap();
        assert_eq!(
            config.backend,
            Backend::Embedded {
                data_dir: PathBuf::from("/tmp/x"),
                public_base_url: DEFAULT_PUBLIC_BASE_URL.into(),
                job_queue: EmbeddedQueue {
                    kind: EmbeddedQueueKind::InProcess,
                    settings: QueueSettings::PRODUCTION,
                },
            }
        );
        assert_eq!(
            config.cors_allowed_origins,
            vec!["https://a.example", "http://localhost:5173"]
        );
    }

    #[test]
    fn a_cors_origin_with_a_path_is_refused() {
        let env = HashMap::from([
            ("STORAGE_BACKEND", "embedded"),
            ("DATA_DIR", "/tmp/x"),
            ("CORS_ALLOWED_ORIGINS", "https://a.example/app/"),
        ]);
        assert_eq!(
            Config::from_source(&env).unwrap_err().name,
            "CORS_ALLOWED_ORIGINS"
        );
    }
}
