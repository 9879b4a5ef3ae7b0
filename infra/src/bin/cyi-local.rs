//! The local host: every HTTP route on 127.0.0.1 with embedded adapters (a SQLite file and a
//! folder under `--data-dir`) and the worker in process. No AWS account, no LLM key.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use cyi_shared::Services;
use cyi_shared::config::{Config, Overlay, ProcessEnv};
use cyi_shared::domain::bank::Bank;
use cyi_shared::storage::bank;

#[derive(Parser)]
#[command(
    name = "cyi-local",
    about = "Runs the whole service locally on embedded adapters"
)]
struct Args {
    /// Port on 127.0.0.1.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Where the SQLite file, the CV files and the generated keys live.
    #[arg(long, default_value_os_t = default_data_dir())]
    data_dir: PathBuf,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    openapi: bool,
}

/// `.local-data` at the workspace root (git-ignored), wherever the command runs from.
fn default_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(
            || PathBuf::from(".local-data"),
            |root| root.join(".local-data"),
        )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.openapi {
        print!("{}", cyi_infra::openapi_json());
        return Ok(());
    }
    cyi_shared::telemetry::init();
    cyi_worker::cv_text::install_panic_hook();
    let public_base_url = format!("http://127.0.0.1:{}", args.port);
    // The flags decide the backend; the environment may still tune the rest.
    let config = Config::from_source(&Overlay {
        values: [
            ("STORAGE_BACKEND", "embedded".to_owned()),
            ("DATA_DIR", args.data_dir.display().to_string()),
            ("PUBLIC_BASE_URL", public_base_url.clone()),
        ]
        .into(),
        fallback: &ProcessEnv,
    })?;
    // The same path as the functions', so every variable (`LLM_PROVIDERS` too) works here.
    let (services, parts) = Services::from_config(&config)
        .await
        .with_context(|| format!("opening the data folder {}", args.data_dir.display()))?;
    let parts = parts.context("the local host runs on the embedded backend")?;

    let bank =
        Bank::read_dir(&cyi_infra::default_bank_dir()).context("reading the question bank")?;
    bank::load(services.store.as_ref(), &bank)
        .await
        .context("loading the question bank")?;
    // Read it back once now, so the first interview does not pay for filling the cache.
    services.bank_catalog().get().await?;
    tracing::info!(
        questions = bank.technical.len() + bank.behavioral.len(),
        "question bank loaded"
    );

    let worker = tokio::spawn(cyi_worker::consume(
        services.clone(),
        Arc::clone(&services.queue),
    ));
    let app = cyi_infra::app(services, Some(&parts), &config.cors_allowed_origins);
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("binding {address} (is another server on --port?)"))?;
    tracing::info!(%address, data_dir = %args.data_dir.display(), "serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    worker.abort();
    Ok(())
}
