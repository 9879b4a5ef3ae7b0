//! A soak on the local host, bounded and on loopback: 50 users through whole interviews at
//! once while 5% of item-store and queue calls fail at random (`--fault-rate`); every
//! interview must end complete and reported. Ignored by default (it takes minutes: failed
//! jobs come back after the queue's 180 s visibility timeout, and lost ones after the sweep's
//! 15-minute lease); run it with
//! `cargo test -p cyi-infra --all-features --test api -- --ignored soak --nocapture`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{Api, LocalHost, PASSWORD, account, free_port};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

const USERS: usize = 50;
const FAULT_RATE: &str = "0.05";
const DEADLINE: Duration = Duration::from_secs(40 * 60);

/// What the clients saw.
#[derive(Default)]
struct Counts {
    requests: AtomicUsize,
    server_errors: AtomicUsize,
    cut_off: AtomicUsize,
}

/// A client that retries what failed on the server's side, as the page does.
struct Client {
    api: Api,
    counts: Counts,
}

impl Client {
    /// Sends until the answer is not a 5xx (or a dropped connection), backing off a little.
    async fn send(&self, build: impl Fn() -> RequestBuilder) -> (StatusCode, Value) {
        for attempt in 0..40u64 {
            self.counts.requests.fetch_add(1, Ordering::Relaxed);
            match build().send().await {
                Ok(response) if !response.status().is_server_error() => {
                    let status = response.status();
                    let body = response.json().await.unwrap_or(Value::Null);
                    return (status, body);
                }
                Ok(_) => self.counts.server_errors.fetch_add(1, Ordering::Relaxed),
                Err(_) => self.counts.cut_off.fetch_add(1, Ordering::Relaxed),
            };
            tokio::time::sleep(Duration::from_millis(50 * (attempt + 1).min(20))).await;
        }
        panic!("a request failed forty times");
    }

    async fn interview(&self, n: usize) -> (Duration, usize) {
        let started = Instant::now();
        let api = &self.api;
        let username = format!("soak{n}");
        let (status, _) = self
            .send(|| {
                api.request(Method::POST, "/auth/signup")
                    .json(&account(&username))
            })
            .await;
        // A sign-up whose answer was lost made the account all the same.
        assert!(status == 201 || status == 409, "sign-up: {status}");
        let login = json!({"username": username, "password": PASSWORD});
        let (status, body) = self
            .send(|| api.request(Method::POST, "/auth/login").json(&login))
            .await;
        assert_eq!(status, 200, "log-in: {body}");
        let token = body["access_token"].as_str().unwrap().to_owned();
        let cv_text =
            json!({"text": "Built payment APIs in Rust at Acme Inc. Led a team of four."});
        let (status, cv) = self
            .send(|| api.authed(Method::POST, "/cvs", &token).json(&cv_text))
            .await;
        assert_eq!(status, 201, "text CV: {cv}");
        let request = json!({"cv_id": cv["id"], "position": "be", "lang": "en", "technical": 3, "behavioral": 1, "personal": 2});
        let (status, interview) = self
            .send(|| {
                api.authed(Method::POST, "/interviews", &token)
                    .json(&request)
            })
            .await;
        assert_eq!(status, 201, "interview: {interview}");
        let id = interview["id"].as_str().unwrap().to_owned();
        loop {
            let (_, next) = self
                .send(|| api.authed(Method::GET, &format!("/interviews/{id}/next"), &token))
                .await;
            match next["status"].as_str() {
                Some("question") => {
                    let question = next["id"].as_str().unwrap();
                    let answer = json!({"answer": format!("For {question}: I measured first, then changed one thing at a time.")});
                    let path = format!("/interviews/{id}/answers/{question}");
                    let (status, body) = self
                        .send(|| api.authed(Method::PUT, &path, &token).json(&answer))
                        .await;
                    assert_eq!(status, 202, "answer: {body}");
                }
                Some("pending") => tokio::time::sleep(Duration::from_secs(2)).await,
                Some("complete") => break,
                other => panic!("next: {other:?}"),
            }
        }
        let failed = loop {
            let (_, report) = self
                .send(|| api.authed(Method::GET, &format!("/interviews/{id}/report"), &token))
                .await;
            if report["complete"] == true {
                break report["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|item| item["status"] == "failed")
                    .count();
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        };
        (started.elapsed(), failed)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a soak of several minutes; run it on purpose"]
async fn fifty_interviews_under_random_store_and_queue_faults_all_complete() {
    let data = tempfile::tempdir().unwrap();
    let mut host = LocalHost::start(
        data.path(),
        free_port(),
        &["--fault-rate", FAULT_RATE],
        "host.log",
        "warn,cyi_shared::sweep=info",
    )
    .await;
    let client = Arc::new(Client {
        api: Api::remote(host.api.base.clone()),
        counts: Counts::default(),
    });
    let started = Instant::now();
    let users: Vec<_> = (0..USERS)
        .map(|n| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.interview(n).await })
        })
        .collect();
    let mut durations = Vec::new();
    let mut failed_evaluations = 0;
    for user in users {
        let (took, failed) = tokio::time::timeout(DEADLINE, user)
            .await
            .expect("an interview did not finish in time")
            .unwrap();
        durations.push(took);
        failed_evaluations += failed;
    }
    let total = started.elapsed();
    host.child.kill().await.unwrap();
    durations.sort();
    let log = std::fs::read_to_string(data.path().join("host.log")).unwrap();
    let resent: usize = log
        .lines()
        .filter(|line| line.contains("\"sweep\""))
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|line| line["resent"].as_u64())
        .sum::<u64>() as usize;
    let counts = &client.counts;
    println!(
        "soak: {USERS} interviews at a fault rate of {FAULT_RATE} all complete and reported in {:.0} s \
         (each: median {:.0} s, slowest {:.0} s); {} requests, {} answered 5xx and {} cut off, all retried; \
         {} jobs sent again by the sweep; {failed_evaluations} evaluations ended failed",
        total.as_secs_f64(),
        durations[durations.len() / 2].as_secs_f64(),
        durations[durations.len() - 1].as_secs_f64(),
        counts.requests.load(Ordering::Relaxed),
        counts.server_errors.load(Ordering::Relaxed),
        counts.cut_off.load(Ordering::Relaxed),
        resent,
    );
}
