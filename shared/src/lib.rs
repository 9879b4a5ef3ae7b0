//! What every function shares, in layers that import downward only:
//! `domain` (types and rules, no I/O) at the bottom; then `ports` (traits), `storage` (the
//! key layout and one repository per aggregate) and the use cases (`accounts`, `cvs`,
//! `postings`, `interviews`, `bank_files`, `event_source`, which feeds the worker, and
//! `sweep` over the queued work of the others); then the adapters, the HTTP edge (`http`) and
//! the LLM layer
//! (`llm`); at the top the wiring (`config`, `services`, `lambda`, `telemetry`, `secrets`).

pub mod accounts;
pub mod adapters;
pub mod bank_files;
pub mod config;
pub mod cvs;
pub mod domain;
pub mod event_source;
pub mod http;
pub mod interviews;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod llm;
pub mod ports;
pub mod postings;
pub mod secrets;
pub mod services;
pub mod storage;
pub mod sweep;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use http::ApiError;
pub use services::Services;
