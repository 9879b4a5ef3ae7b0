//! Typed configuration, read once at start-up from the environment. A missing or invalid
//! variable stops start-up with a message that names it.

use std::path::PathBuf;
use std::str::FromStr;

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
    /// A SQLite file and a directory under `data_dir`, jobs in process.
    Embedded {
        data_dir: PathBuf,
        public_base_url: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsResources {
    pub table: String,
    pub bucket: String,
    pub queue_url: String,
    pub dead_letter_queue_url: String,
}

/// Settings every function reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub backend: Backend,
    /// Origins a browser front end may call the API from; empty allows none.
    pub cors_allowed_origins: Vec<String>,
}

pub const DEFAULT_PUBLIC_BASE_URL: &str = "http://127.0.0.1:3000";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }

    pub fn from_source(env: &dyn VariableSource) -> Result<Self, ConfigError> {
        let backend = match env.get("STORAGE_BACKEND").as_deref() {
            None | Some("aws") => Backend::Aws(AwsResources {
                table: required(env, "TABLE_NAME")?,
                bucket: required(env, "BUCKET_NAME")?,
                queue_url: required(env, "QUEUE_URL")?,
                dead_letter_queue_url: required(env, "DEAD_LETTER_QUEUE_URL")?,
            }),
            Some("embedded") => Backend::Embedded {
                data_dir: PathBuf::from(required(env, "DATA_DIR")?),
                public_base_url: env
                    .get("PUBLIC_BASE_URL")
                    .unwrap_or_else(|| DEFAULT_PUBLIC_BASE_URL.to_owned()),
            },
            Some(other) => {
                return Err(ConfigError {
                    name: "STORAGE_BACKEND",
                    problem: format!("must be `aws` or `embedded`, not `{other}`"),
                });
            }
        };
        Ok(Self {
            backend,
            cors_allowed_origins: cors_origins(env)?,
        })
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
    fn aws_backend_names_the_first_missing_variable() {
        let env = HashMap::from([("TABLE_NAME", "t"), ("BUCKET_NAME", "b")]);
        let error = Config::from_source(&env).unwrap_err();
        assert_eq!(error.name, "QUEUE_URL");
        assert!(error.to_string().contains("QUEUE_URL is required"));
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
                public_base_url: DEFAULT_PUBLIC_BASE_URL.into()
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
