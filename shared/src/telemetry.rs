//! Structured JSON logs. Every line of a request carries its `request_id` (from the request
//! span); `RUST_LOG` filters, default `info`.

use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .flatten_event(true)
        .with_target(false)
        .try_init();
}
