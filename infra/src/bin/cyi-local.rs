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
use cyi_shared::config::{
    Backend, Config, EmbeddedQueueKind, JobQueueLocation, Overlay, ProcessEnv,
};
use cyi_shared::domain::bank::Bank;
use cyi_shared::ports::JobQueue;
use cyi_shared::storage::bank;
use cyi_shared::testing::faults::{Faults, Port};

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
    /// For testing only: make this fraction (0 to 1) of item-store and queue calls fail at
    /// random (failed at once, timed out, or done and then reported failed), to watch every
    /// piece of work still reach a final state. Off by default.
    #[arg(long, value_name = "RATE")]
    fault_rate: Option<f64>,
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
    if let Some(rate) = args.fault_rate {
        anyhow::ensure!(
            matches!(config.backend, Backend::Embedded { .. }),
            "--fault-rate is for testing, on the embedded backend only"
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&rate),
            "--fault-rate is a fraction from 0 to 1, not {rate}"
        );
    }
    // The same path as the functions', so every variable (`LLM_PROVIDERS` too) works here.
    let (mut services, parts) = Services::from_config(&config)
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

    let mut queue: Arc<dyn JobQueue> = Arc::clone(&services.queue);
    if let Some(rate) = args.fault_rate {
        let faults = Faults::new(INJECTED_TIMEOUT);
        faults.at_random(rate, &[Port::Store, Port::Queue], rand_seed());
        services = faults.wrap(&services);
        queue = faults.wrap_queue(queue);
        tracing::warn!(
            rate,
            "fault injection is on: item-store and queue calls fail at random (testing only)"
        );
    }
    let worker = tokio::spawn(cyi_worker::consume(services.clone(), queue));
    // Jobs queued in memory before a crash or a kill died with it: the sweep sends them
    // again now, then looks for lost work every minute.
    let sweep = tokio::spawn(cyi_infra::sweep_periodically(
        services.clone(),
        cyi_infra::SWEEP_INTERVAL,
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
    sweep.abort();
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

/// How long an injected timeout hangs before it fails.
const INJECTED_TIMEOUT: Duration = Duration::from_millis(200);

/// A different fault pattern each run.
fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64)
}
