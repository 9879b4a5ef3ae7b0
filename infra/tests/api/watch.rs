//! The functions as Lambda processes: `scripts/watch` runs them under `cargo lambda watch`,
//! with `cyi-local pump` feeding the worker function SQS events from the shared job queue, and
//! a whole interview is driven over HTTP on its port; a message the worker fails is
//! redelivered and dead-lettered after its receives; and every example event in `events/`
//! answers through `cargo lambda invoke`.
//!
//! Slow (it builds the functions, warm in a shared target folder) and needs cargo-lambda,
//! which `scripts/watch` installs into `.venv`: ignored by default, run by `scripts/test`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cyi_shared::adapters::embedded::SqliteJobQueue;
use cyi_shared::ports::{JobQueue, QueueSettings};
use cyi_shared::services::JOBS_FILE;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Api, fixture, poll_until};

/// Short enough to watch redelivery and dead-lettering happen.
const QUEUE: QueueSettings = QueueSettings {
    visibility_timeout: Duration::from_secs(2),
    max_receives: 3,
};
/// A cold target folder builds every dependency before the first answer.
const FIRST_ANSWER: Duration = Duration::from_secs(20 * 60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "builds and runs the functions under cargo lambda watch; scripts/test runs it"]
async fn a_whole_interview_under_cargo_lambda_watch() {
    let watch = Watch::start();
    let api = Api::remote(format!("http://127.0.0.1:{}", watch.port));
    let started = Instant::now();
    poll_until(
        "the first /health answer under watch",
        FIRST_ANSWER,
        async || {
            let probe = api.client.get(format!("{}/health", api.base)).send();
            matches!(probe.await, Ok(response) if response.status() == StatusCode::OK)
        },
        |up| *up,
    )
    .await;
    eprintln!("first /health answer after {:?}", started.elapsed());

    let token = api.user("watcher").await.token;
    // The events build the other functions on their first invocation, before the interview
    // counts on them answering within a client's timeout.
    every_example_event_answers(&watch, &token);
    an_interview_runs_to_its_report(&api, &token).await;
    a_failing_message_is_redelivered_then_dead_lettered(&watch).await;
}

async fn an_interview_runs_to_its_report(api: &Api, token: &str) {
    let created = api
        .upload_pdf(token, Some("My CV"), fixture("awesome-cv-resume.pdf"))
        .await;
    assert_eq!(created.status(), 202);
    let cv: Value = created.json().await.unwrap();
    let cv_id = cv["id"].as_str().unwrap().to_owned();
    let cv = poll_until(
        "the PDF CV to be extracted",
        Duration::from_secs(120),
        async || api.cv(token, &cv_id).await.json::<Value>().await.unwrap(),
        |cv| cv["status"] != "processing",
    )
    .await;
    assert_eq!(cv["status"], "ready", "{cv}");

    let body = json!({"cv_id": cv_id, "position": "be", "lang": "en", "technical": 2, "behavioral": 1, "personal": 2});
    let created = api.create_interview(token, &body).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut answered = 0;
    poll_until(
        "every question, personal ones included, answered",
        Duration::from_secs(120),
        async || {
            let step: Value = api.next(token, &id).await.json().await.unwrap();
            if step["status"] == "question" {
                let question = step["id"].as_str().unwrap();
                let text = "In my last project queries were slow; I added a B-tree index so lookups avoid a full table scan, and p99 latency dropped 40%.";
                assert_eq!(api.answer(token, &id, question, text).await.status(), 202);
                answered += 1;
            }
            step
        },
        |step| step["status"] == "complete",
    )
    .await;
    // Five planned, and the follow-ups weak answers brought (three at most by default).
    assert!((5..=8).contains(&answered), "{answered}");
    let report = poll_until(
        "every answer evaluated",
        Duration::from_secs(120),
        async || api.report(token, &id).await.json::<Value>().await.unwrap(),
        |report| report["complete"] == true,
    )
    .await;
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), answered);
    let follow_ups = items.iter().filter(|i| i["follows"].is_string()).count();
    assert_eq!(follow_ups, answered - 5);
    for item in items {
        assert_eq!(item["status"], "evaluated", "{item}");
    }
    let personal: Vec<&Value> = items
        .iter()
        .filter(|i| i["kind"] == "personal" && i["follows"].is_null())
        .collect();
    assert_eq!(personal.len(), 2, "{report}");
    assert!(
        personal
            .iter()
            .all(|i| i["question"].as_str().unwrap().len() > 10)
    );
    assert!(report["scores_by_kind"]["personal"]["score"].is_number());
}

async fn a_failing_message_is_redelivered_then_dead_lettered(watch: &Watch) {
    // The test is one more process on the queue the functions and the pump share.
    let queue = SqliteJobQueue::open(&watch.data_dir().join(JOBS_FILE), QUEUE).unwrap();
    let sent = Instant::now();
    let id = queue
        .send_raw(r#"{"type":"NoSuchJob"}"#.into())
        .await
        .unwrap();
    let dead = poll_until(
        "the failing message in the dead-letter queue",
        Duration::from_secs(60),
        async || queue.receive_dead_letters(10).await.unwrap(),
        |dead| !dead.is_empty(),
    )
    .await;
    assert_eq!(dead[0].message_id, id);
    assert_eq!(
        dead[0].receive_count, QUEUE.max_receives,
        "received once per try"
    );
    assert!(
        sent.elapsed() >= QUEUE.visibility_timeout * (QUEUE.max_receives - 1),
        "each retry waited out the visibility timeout"
    );
}

/// Invokes each function with its example event as a developer would, with a real token in
/// place of `TOKEN`, and checks the answer.
fn every_example_event_answers(watch: &Watch, token: &str) {
    let expected = [
        ("cyi-auth", 201),
        ("cyi-upload", 201),
        ("cyi-questions", 200),
        ("cyi-evaluation", 200),
        ("cyi-web", 200),
    ];
    for (function, status) in expected {
        let answer = watch.invoke(function, token);
        assert_eq!(answer["statusCode"], status, "{function}: {answer}");
    }
    let answer = watch.invoke("cyi-worker", token);
    assert_eq!(answer, json!({"batchItemFailures": []}));
}

/// `scripts/watch` on a free port and a data folder of its own, stopped (SIGTERM, as the
/// script documents) when dropped.
struct Watch {
    port: u16,
    root: PathBuf,
    dir: tempfile::TempDir,
    script: Child,
}

impl Watch {
    fn start() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("watch.log")).unwrap();
        let script = Command::new(root.join("scripts/watch"))
            .arg(port.to_string())
            .env("DATA_DIR", dir.path().join("data"))
            .env(
                "JOB_VISIBILITY_SECONDS",
                QUEUE.visibility_timeout.as_secs().to_string(),
            )
            .env("JOB_MAX_RECEIVES", QUEUE.max_receives.to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("scripts/watch");
        Self {
            port,
            root,
            dir,
            script,
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `cargo lambda invoke` with the function's example event; its JSON answer.
    fn invoke(&self, function: &str, token: &str) -> Value {
        let event = std::fs::read_to_string(self.root.join(format!("events/{function}.json")))
            .unwrap()
            .replace("Bearer TOKEN", &format!("Bearer {token}"));
        let file = self.dir.path().join(format!("{function}.json"));
        std::fs::write(&file, event).unwrap();
        let path = format!(
            "{}:{}",
            self.root.join(".venv/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("cargo")
            .args(["lambda", "invoke", "--invoke-address", "127.0.0.1"])
            .args(["--invoke-port", &self.port.to_string(), function])
            .arg("--data-file")
            .arg(&file)
            .env("PATH", path)
            .output()
            .expect("cargo lambda invoke");
        assert!(
            output.status.success(),
            "{function}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{function} answered {e}: {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.script.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && matches!(self.script.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        if matches!(self.script.try_wait(), Ok(None)) {
            let _ = self.script.kill();
        }
        if std::thread::panicking() {
            let log =
                std::fs::read_to_string(self.dir.path().join("watch.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("scripts/watch, last lines:");
            tail.iter().rev().for_each(|line| eprintln!("{line}"));
        }
    }
}
