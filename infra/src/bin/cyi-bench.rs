//! Measures what users and the bill feel, and prints the figures:
//! in-process latency of the main requests on embedded adapters, item-store round trips per
//! request, the local host under a bounded load on loopback, each Lambda binary's cold start
//! and peak memory against a local Lambda Runtime API, and the release zips' sizes.
//! Run through `scripts/bench`, which builds everything in release mode first.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode};
use clap::Parser;
use cyi_infra::counting::{CountingStore, TokenCountingLlm};
use cyi_shared::Services;
use cyi_shared::config::{EmbeddedQueue, EmbeddedQueueKind, Limits};
use cyi_shared::ports::QueueSettings;
use cyi_shared::services::Settings;
use serde_json::{Value, json};
use tower::ServiceExt;

#[derive(Parser)]
struct Args {
    /// Print only the bill of one interview: its request and item-store units do not depend
    /// on the build, so a debug build gives them too (its Lambda GB-seconds are slower).
    #[arg(long)]
    bill_only: bool,
    /// Folder holding the release Lambda binaries (cyi-auth, ...).
    #[arg(long)]
    lambda_dir: Option<PathBuf>,
    /// Folder holding `<function>/bootstrap.zip` from the arm64 build.
    #[arg(long, default_value = "target/lambda")]
    zip_dir: PathBuf,
}

const FUNCTIONS: [&str; 5] = [
    "cyi-auth",
    "cyi-upload",
    "cyi-questions",
    "cyi-evaluation",
    "cyi-worker",
];

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, samples: &mut [Duration]) {
    let median = percentile(samples, 0.5);
    let p99 = percentile(samples, 0.99);
    println!(
        "  {name:<22} n={:<5} median {:>12}  p99 {:>12}",
        samples.len(),
        ms(median),
        ms(p99)
    );
}

/// The service in process, on embedded adapters under a temporary folder, with the bank
/// loaded and a quota large enough to create interviews in a loop; its store counts round
/// trips and request units, its model the tokens a provider would see.
struct Bench {
    app: Router,
    services: Services,
    store: Arc<CountingStore>,
    model: Arc<TokenCountingLlm>,
    _data: tempfile::TempDir,
}

async fn service() -> anyhow::Result<Bench> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        signing_key: Some(vec![7u8; 32]),
        access_token_lifetime: Duration::from_secs(3600),
        limits: Limits {
            interview_quota: 1_000_000,
        },
    };
    let queue = EmbeddedQueue {
        kind: EmbeddedQueueKind::InProcess,
        settings: QueueSettings::PRODUCTION,
    };
    let (mut services, parts) =
        Services::embedded(dir.path(), "http://127.0.0.1:3000", &queue, &settings)?;
    let counting = Arc::new(CountingStore::new(Arc::clone(&services.store)));
    services.store = counting.clone();
    let model = Arc::new(TokenCountingLlm::new(Arc::clone(&services.llm)));
    services.llm = model.clone();
    let bank = cyi_shared::domain::bank::Bank::read_dir(&cyi_infra::default_bank_dir())?;
    cyi_shared::storage::bank::load(services.store.as_ref(), &bank).await?;
    // As the local host does at start: the bank cache is filled before the first request.
    services.bank_catalog().get().await?;
    let app = cyi_infra::app(services.clone(), Some(&parts), &[]);
    Ok(Bench {
        app,
        services,
        store: counting,
        model,
        _data: dir,
    })
}

async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))?,
        None => request.body(Body::empty())?,
    };
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 10 * 1024 * 1024).await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

async fn in_process() -> anyhow::Result<()> {
    println!("In-process latency, embedded adapters (SQLite, folder, in-process queue):");
    let Bench {
        app,
        store: counting,
        ..
    } = service().await?;
    let signup = json!({"username": "bench", "name": "Bench", "email": "bench@example.com", "password": "bench password"});
    call(&app, Method::POST, "/auth/signup", None, Some(signup)).await?;
    let login = json!({"username": "bench", "password": "bench password"});
    let mut samples = Vec::new();
    let mut token = String::new();
    for _ in 0..30 {
        let started = Instant::now();
        let (_, body) = call(&app, Method::POST, "/auth/login", None, Some(login.clone())).await?;
        samples.push(started.elapsed());
        token = body["access_token"].as_str().unwrap_or_default().to_owned();
    }
    report("log-in", &mut samples);
    let (_, cv) = call(
        &app,
        Method::POST,
        "/cvs",
        Some(&token),
        Some(
            json!({"text": "Built payment APIs in Rust at Acme Inc. Led a Kubernetes migration."}),
        ),
    )
    .await?;
    let cv_id = cv["id"].as_str().unwrap_or_default().to_owned();
    let new_interview = json!({"cv_id": cv_id, "position": "be", "lang": "en", "technical": 10, "behavioral": 5, "personal": 0});
    let (mut create, mut next, mut answer, mut report_samples) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut next_trips, mut answer_trips, mut create_trips) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..40 {
        let before = counting.calls();
        let started = Instant::now();
        let (status, interview) = call(
            &app,
            Method::POST,
            "/interviews",
            Some(&token),
            Some(new_interview.clone()),
        )
        .await?;
        create.push(started.elapsed());
        create_trips.push(counting.calls() - before);
        anyhow::ensure!(
            status == StatusCode::CREATED,
            "creating an interview answered {status}: {interview}"
        );
        let id = interview["id"].as_str().unwrap_or_default().to_owned();
        for _ in 0..15 {
            let before = counting.calls();
            let started = Instant::now();
            let (_, step) = call(
                &app,
                Method::GET,
                &format!("/interviews/{id}/next"),
                Some(&token),
                None,
            )
            .await?;
            next.push(started.elapsed());
            next_trips.push(counting.calls() - before);
            let Some(question) = step["id"].as_str() else {
                break;
            };
            let before = counting.calls();
            let started = Instant::now();
            call(
                &app,
                Method::PUT,
                &format!("/interviews/{id}/answers/{question}"),
                Some(&token),
                Some(
                    json!({"answer": "A B-tree index keeps keys sorted so range scans are cheap."}),
                ),
            )
            .await?;
            answer.push(started.elapsed());
            answer_trips.push(counting.calls() - before);
        }
        let started = Instant::now();
        call(
            &app,
            Method::GET,
            &format!("/interviews/{id}/report"),
            Some(&token),
            None,
        )
        .await?;
        report_samples.push(started.elapsed());
    }
    report("create interview", &mut create);
    report("next", &mut next);
    report("submit answer", &mut answer);
    report("report", &mut report_samples);
    let me_before = counting.calls();
    call(&app, Method::GET, "/auth/me", Some(&token), None).await?;
    let me_trips = counting.calls() - me_before;
    println!("Item-store round trips per request (counted by the store adapter):");
    let typical = |trips: &mut Vec<usize>| {
        trips.sort();
        trips[trips.len() / 2]
    };
    println!(
        "  next {}   submit answer {}   create interview {}   GET /auth/me {}",
        typical(&mut next_trips),
        typical(&mut answer_trips),
        typical(&mut create_trips),
        me_trips
    );
    Ok(())
}

/// Memory of each function as template.yaml gives it, for billed GB-seconds.
fn memory_mb(path: &str) -> u32 {
    if path.starts_with("/auth") { 1024 } else { 256 }
}
const WORKER_MEMORY_MB: u32 = 512;

/// One whole interview (sign-up, log-in, a text CV, ten questions with five written from
/// the CV, every answer evaluated, the report, the history) through the real code path,
/// counting what it would use in AWS, then its bill per 1,000 interviews. Durations are the
/// in-process ones measured here, standing for the functions' billed durations.
async fn cost_per_interview() -> anyhow::Result<()> {
    use cyi_infra::cost::{Usage, gb_seconds, prices};
    println!("One whole interview in AWS terms (ten questions, five written from the CV):");
    let Bench {
        app,
        services,
        store: counting,
        model,
        ..
    } = service().await?;
    // Loading the bank is the operator's, once: not the interview's.
    let (reads_before, writes_before) = counting.units();
    let mut usage = Usage::default();
    let http = |usage: &mut Usage, path: &str, elapsed: Duration| {
        usage.api_requests += 1.0;
        usage.lambda_invocations += 1.0;
        usage.lambda_gb_seconds += gb_seconds(elapsed, memory_mb(path));
    };
    let timed = async |method: Method, path: &str, token: Option<&str>, body: Option<Value>| {
        let started = Instant::now();
        let result = call(&app, method, path, token, body).await;
        (result, started.elapsed())
    };
    let (result, elapsed) = timed(Method::POST, "/auth/signup", None, Some(json!({"username": "costed", "name": "C", "email": "c@example.com", "password": "cost password"}))).await;
    result?;
    http(&mut usage, "/auth/signup", elapsed);
    let (result, elapsed) = timed(
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"username": "costed", "password": "cost password"})),
    )
    .await;
    let token = result?.1["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    http(&mut usage, "/auth/login", elapsed);
    let cv_text = "Jane Doe\nAcme Cloud Inc.\n- Led the migration of 40 services to Kubernetes, cutting deploy time by 70%\n- Built a Kafka pipeline for payments in Go\nSkills: Rust, PostgreSQL, Terraform";
    let (result, elapsed) = timed(
        Method::POST,
        "/cvs",
        Some(&token),
        Some(json!({"text": cv_text})),
    )
    .await;
    let cv = result?.1;
    http(&mut usage, "/cvs", elapsed);
    let (result, elapsed) = timed(Method::POST, "/interviews", Some(&token), Some(json!({"cv_id": cv["id"], "position": "be", "lang": "en", "technical": 3, "behavioral": 2, "personal": 5}))).await;
    let id = result?.1["id"].as_str().unwrap_or_default().to_owned();
    http(&mut usage, "/interviews", elapsed);
    let mut jobs = 0usize;
    loop {
        jobs += run_queued_jobs(&services, &mut usage).await?;
        let path = format!("/interviews/{id}/next");
        let (result, elapsed) = timed(Method::GET, &path, Some(&token), None).await;
        let step = result?.1;
        http(&mut usage, &path, elapsed);
        let Some(question) = step["id"].as_str() else {
            if step["status"] == "pending" {
                continue;
            }
            break;
        };
        let path = format!("/interviews/{id}/answers/{question}");
        let answer = "An index keeps keys sorted, so a range scan reads one leaf after the next; each index costs a write on every insert.";
        let (result, elapsed) = timed(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"answer": answer})),
        )
        .await;
        result?;
        http(&mut usage, &path, elapsed);
    }
    jobs += run_queued_jobs(&services, &mut usage).await?;
    for path in [format!("/interviews/{id}/report"), "/interviews".to_owned()] {
        let (result, elapsed) = timed(Method::GET, &path, Some(&token), None).await;
        result?;
        http(&mut usage, &path, elapsed);
    }
    let (read_units, write_units) = counting.units();
    usage.read_units = (read_units - reads_before) as f64;
    usage.write_units = (write_units - writes_before) as f64;
    println!(
        "  {} HTTP requests, {} jobs, {:.0} RRU, {:.0} WRU, {} SQS requests, {:.3} Lambda GB-s (no S3: a text CV)",
        usage.api_requests,
        jobs,
        usage.read_units,
        usage.write_units,
        usage.sqs_requests,
        usage.lambda_gb_seconds
    );
    for (line, usd) in usage.bill() {
        if line != "total" {
            println!("  {line:<12} ${:.4} per 1,000 interviews", usd * 1000.0);
        }
    }
    let per_thousand = usage.total() * 1000.0;
    println!("  total        ${per_thousand:.4} per 1,000 interviews, the model's tokens aside");
    let (model_calls, input_tokens, output_tokens) = model.totals();
    println!(
        "  the model: {model_calls} calls, about {input_tokens} input and {output_tokens} output tokens per interview (prompts as the providers are sent them, replies the offline model's)"
    );
    println!(
        "  one small always-on instance: ${:.2} a month, the bill of {:.0} interviews here",
        prices::SMALL_INSTANCE_PER_MONTH,
        prices::SMALL_INSTANCE_PER_MONTH / usage.total()
    );
    Ok(())
}

/// The worker on every queued job, each one invocation (SQS batches of one), counted: its
/// send, receive and delete, and its billed duration.
async fn run_queued_jobs(
    services: &Services,
    usage: &mut cyi_infra::cost::Usage,
) -> anyhow::Result<usize> {
    let deliveries = services.queue.receive(10, Duration::ZERO).await?;
    for delivery in &deliveries {
        usage.sqs_requests += 3.0;
        let started = Instant::now();
        cyi_worker::run_job(services, serde_json::from_str(&delivery.body)?, 1).await?;
        usage.lambda_invocations += 1.0;
        usage.lambda_gb_seconds += cyi_infra::cost::gb_seconds(started.elapsed(), WORKER_MEMORY_MB);
        services.queue.delete(&delivery.receipt).await?;
    }
    Ok(deliveries.len())
}

async fn under_load() -> anyhow::Result<()> {
    const CLIENTS: usize = 16;
    const REQUESTS: usize = 8_000;
    // Log-in is bound by its password hash: fewer requests say as much.
    const LOG_INS: usize = 320;
    println!("Local host on loopback, bounded load ({CLIENTS} connections):");
    let Bench { app, .. } = service().await?;
    let (_, _) = call(&app, Method::POST, "/auth/signup", None, Some(json!({"username": "loaded", "name": "L", "email": "l@example.com", "password": "load password"}))).await?;
    let (_, login) = call(
        &app,
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"username": "loaded", "password": "load password"})),
    )
    .await?;
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (_, cv) = call(
        &app,
        Method::POST,
        "/cvs",
        Some(&token),
        Some(json!({"text": "Rust engineer"})),
    )
    .await?;
    let (_, interview) = call(
        &app,
        Method::POST,
        "/interviews",
        Some(&token),
        Some(json!({"cv_id": cv["id"], "position": "fe", "lang": "en", "personal": 0})),
    )
    .await?;
    let id = interview["id"].as_str().unwrap_or_default().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()?;
    let log_in = json!({"username": "loaded", "password": "load password"});
    for (name, path, body, requests) in [
        ("GET /cvs", "/cvs".to_owned(), None, REQUESTS),
        ("next", format!("/interviews/{id}/next"), None, REQUESTS),
        ("GET /auth/me", "/auth/me".to_owned(), None, REQUESTS),
        ("log-in", "/auth/login".to_owned(), Some(log_in), LOG_INS),
    ] {
        let url = format!("{base}{path}");
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..CLIENTS {
            let (client, url, token, body) =
                (client.clone(), url.clone(), token.clone(), body.clone());
            workers.push(tokio::spawn(async move {
                let mut samples = Vec::with_capacity(requests / CLIENTS);
                for _ in 0..requests / CLIENTS {
                    let sent = Instant::now();
                    let request = match &body {
                        Some(body) => client.post(&url).json(body),
                        None => client.get(&url).bearer_auth(&token),
                    };
                    let ok = request
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false);
                    if ok {
                        samples.push(sent.elapsed());
                    }
                }
                samples
            }));
        }
        let mut samples = Vec::new();
        for worker in workers {
            samples.extend(worker.await?);
        }
        let elapsed = started.elapsed();
        let rps = samples.len() as f64 / elapsed.as_secs_f64();
        println!(
            "  {name:<14} {rps:>8.0} req/s  p50 {}  p90 {}  p99 {}  ({} ok of {requests})",
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 0.9)),
            ms(percentile(&mut samples, 0.99)),
            samples.len()
        );
    }
    server.abort();
    Ok(())
}

/// A Lambda Runtime API that hands out one event and times the answer.
async fn cold_start(binary: &Path, event: Value) -> anyhow::Result<(Duration, u64)> {
    use axum::extract::State;
    use axum::routing::{get, post};
    use tokio::sync::{Mutex, oneshot};
    type Done = Arc<Mutex<Option<oneshot::Sender<()>>>>;
    let (done_tx, done_rx) = oneshot::channel();
    let done: Done = Arc::new(Mutex::new(Some(done_tx)));
    let next_event = event.to_string();
    let runtime = Router::new()
        .route(
            "/2018-06-01/runtime/invocation/next",
            get(move || {
                let body = next_event.clone();
                async move {
                    let deadline = (time::OffsetDateTime::now_utc().unix_timestamp() + 30) * 1000;
                    (
                        [
                            ("lambda-runtime-aws-request-id", "bench-1".to_owned()),
                            ("lambda-runtime-deadline-ms", deadline.to_string()),
                            (
                                "lambda-runtime-invoked-function-arn",
                                "arn:aws:lambda:us-east-1:123456789012:function:bench".to_owned(),
                            ),
                            (
                                "lambda-runtime-trace-id",
                                "Root=1-00000000-000000000000000000000000".to_owned(),
                            ),
                            ("content-type", "application/json".to_owned()),
                        ],
                        body,
                    )
                }
            }),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/{outcome}",
            post(|State(done): State<Done>| async move {
                if let Some(tx) = done.lock().await.take() {
                    let _ = tx.send(());
                }
                StatusCode::ACCEPTED
            }),
        )
        .route(
            "/2018-06-01/runtime/init/error",
            post(|| async { StatusCode::ACCEPTED }),
        )
        .with_state(done);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, runtime).await });
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("STORAGE_BACKEND", "aws")
        .env("TABLE_NAME", "items")
        .env("BUCKET_NAME", "cvs")
        .env("QUEUE_URL", "http://127.0.0.1:9/123456789012/jobs")
        .env(
            "DEAD_LETTER_QUEUE_URL",
            "http://127.0.0.1:9/123456789012/jobs-dlq",
        )
        .env(
            "TOKEN_SIGNING_KEY",
            "bench-signing-key-of-at-least-32-bytes!",
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let pid = child.id().unwrap_or_default();
    tokio::time::timeout(Duration::from_secs(20), done_rx).await??;
    let elapsed = started.elapsed();
    let peak_kb = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0);
    child.kill().await.ok();
    server.abort();
    Ok((elapsed, peak_kb))
}

fn http_event() -> Value {
    json!({
        "version": "2.0", "routeKey": "GET /health", "rawPath": "/health", "rawQueryString": "",
        "headers": {"accept": "application/json", "host": "bench.example"},
        "requestContext": {"accountId": "123456789012", "apiId": "bench", "domainName": "bench.example", "domainPrefix": "bench",
            "http": {"method": "GET", "path": "/health", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
            "requestId": "bench-request", "routeKey": "GET /health", "stage": "$default", "time": "24/Nov/2026:00:00:00 +0000", "timeEpoch": 1795000000000u64},
        "isBase64Encoded": false
    })
}

async fn cold_starts(dir: &Path) -> anyhow::Result<()> {
    println!("Cold start against a local Lambda Runtime API (spawn to first response; peak RSS):");
    for function in FUNCTIONS {
        let binary = dir.join(function);
        if !binary.exists() {
            println!("  {function:<16} skipped: {} not built", binary.display());
            continue;
        }
        let event = if function == "cyi-worker" {
            json!({"Records": []})
        } else {
            http_event()
        };
        let mut runs = Vec::new();
        let mut peak = 0;
        for _ in 0..5 {
            let (elapsed, peak_kb) = cold_start(&binary, event.clone()).await?;
            runs.push(elapsed);
            peak = peak.max(peak_kb);
        }
        println!(
            "  {function:<16} median {:>10}  worst {:>10}  peak RSS {:.1} MB",
            ms(percentile(&mut runs, 0.5)),
            ms(percentile(&mut runs, 1.0)),
            peak as f64 / 1024.0
        );
    }
    Ok(())
}

fn zip_sizes(dir: &Path) {
    println!("Release arm64 zips (scripts/build-arm64):");
    for function in FUNCTIONS {
        let zip = dir.join(function).join("bootstrap.zip");
        match std::fs::metadata(&zip) {
            Ok(meta) => println!("  {function:<16} {:.2} MB", meta.len() as f64 / 1_048_576.0),
            Err(_) => println!("  {function:<16} skipped: {} not built", zip.display()),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.bill_only {
        return cost_per_interview().await;
    }
    in_process().await?;
    under_load().await?;
    cost_per_interview().await?;
    match &args.lambda_dir {
        Some(dir) => cold_starts(dir).await?,
        None => println!("Cold start: skipped (no --lambda-dir)"),
    }
    zip_sizes(&args.zip_dir);
    Ok(())
}
