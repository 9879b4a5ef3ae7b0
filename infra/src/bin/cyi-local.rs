//! The local host: every HTTP route on 127.0.0.1 with embedded adapters (a SQLite file and a
//! folder under `--data-dir`) and the worker in process. No AWS account, no LLM key.
//! `cyi-local pump` is the other way to run locally: the event source that feeds the worker
//! function under `cargo lambda watch` (see `scripts/watch`).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use cyi_infra::pump;
use cyi_shared::Services;
use cyi_shared::config::{Config, EmbeddedQueueKind, JobQueueLocation, Overlay, ProcessEnv};
use cyi_shared::domain::bank::Bank;
use cyi_shared::storage::bank;

#[derive(Parser)]
#[command(
    name = "cyi-local",
    about = "Runs the whole service locally on embedded adapters"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
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

#[derive(Subcommand)]
enum Command {
    /// Feeds the worker function under `cargo lambda watch` from the job queue, as Lambda's
    /// SQS trigger does. The queue is the functions' own, from the same variables:
    /// `STORAGE_BACKEND=embedded` with `DATA_DIR` and `JOB_QUEUE=sqlite`, or
    /// `STORAGE_BACKEND=aws` with `QUEUE_URL` and `DEAD_LETTER_QUEUE_URL`.
    Pump(PumpArgs),
}

#[derive(clap::Args)]
struct PumpArgs {
    /// Where `cargo lambda watch` answers invocations.
    #[arg(long, default_value = "http://127.0.0.1:9000")]
    invoke_url: String,
    /// The function the jobs go to.
    #[arg(long, default_value = "cyi-worker")]
    function: String,
    /// Seconds one invocation may take; the first under `cargo lambda watch` includes
    /// building the function.
    #[arg(long, default_value_t = 900)]
    invoke_timeout: u64,
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
    if let Some(Command::Pump(pump_args)) = args.command {
        return run_pump(pump_args).await;
    }
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
        .with_graceful_shutdown(cyi_infra::shutdown_signal())
        .await?;
    worker.abort();
    Ok(())
}

async fn run_pump(args: PumpArgs) -> anyhow::Result<()> {
    let location = JobQueueLocation::from_env()?;
    if let JobQueueLocation::Embedded { queue, .. } = &location
        && queue.kind == EmbeddedQueueKind::InProcess
    {
        anyhow::bail!(
            "configuration: JOB_QUEUE=sqlite is needed: the in-process queue is private to each function"
        );
    }
    let queue = cyi_shared::services::job_queue(&location).await?;
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
    let queue_arn = pump::queue_arn(&location, &region);
    let invoker = pump::Invoker::new(
        &args.invoke_url,
        &args.function,
        Duration::from_secs(args.invoke_timeout),
    )?;
    tokio::select! {
        () = pump::run(queue.as_ref(), &invoker, &queue_arn) => {}
        () = cyi_infra::shutdown_signal() => tracing::info!("pump stopped"),
    }
    Ok(())
}
