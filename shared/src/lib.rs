//! What every function shares: domain types, ports and their adapters, configuration, the
//! error type and HTTP helpers.

pub mod accounts;
pub mod adapters;
pub mod bank;
pub mod config;
pub mod cvs;
pub mod error;
pub mod http;
pub mod interviews;
pub mod jobs;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod llm;
pub mod ports;
pub mod reports;
pub mod secrets;
pub mod services;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{ApiError, FieldError};
pub use services::Services;
