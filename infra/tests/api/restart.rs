//! The local host killed with SIGKILL in the middle of a burst of answers and CV uploads, then
//! started again on the same data folder: every answer is evaluated, every CV read and every
//! interview's personal questions written within a minute of the restart, though the jobs
//! queued in the killed host's memory died with it. Requests the kill cut off are sent again
//! after the restart, as the page would.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{Api, LocalHost, TestUser, docx, free_port, poll_until};
use reqwest::Method;
use serde_json::{Value, json};

const USERS: usize = 8;
const ANSWERS: usize = 4;
const UPLOADS: usize = 2;

/// One request of the burst.
#[derive(Clone, Debug)]
enum Request {
    Answer {
        token: String,
        interview: String,
        question: String,
    },
    Upload {
        token: String,
    },
}

impl Request {
    /// Sends it; `None` when the host did not answer (it was killed).
    async fn send(&self, api: &Api) -> Option<reqwest::StatusCode> {
        let request = match self {
            Self::Answer {
                token,
                interview,
                question,
            } => api
                .authed(
                    Method::PUT,
                    &format!("/interviews/{interview}/answers/{question}"),
                    token,
                )
                .json(&json!({ "answer": format!("The answer to {question}: keys stay sorted.") })),
            Self::Upload { token } => api
                .authed(Method::POST, "/cvs", token)
                .header("content-type", "application/pdf")
                .body(docx()),
        };
        request.send().await.ok().map(|r| r.status())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn work_cut_off_by_a_kill_finishes_within_a_minute_of_the_restart() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = LocalHost::start(data.path(), port, &[], "host-1.log", "info").await;

    let mut users = Vec::new();
    let mut burst = Vec::new();
    for n in 0..USERS {
        let TestUser { token, .. } = first.api.user(&format!("burst{n}")).await;
        let cv: Value = first
            .api
            .create_text_cv(&token, "Built payment APIs in Rust at Acme Inc.", None)
            .await
            .json()
            .await
            .unwrap();
        let interview: Value = first
            .api
            .create_interview(
                &token,
                &json!({"cv_id": cv["id"], "position": "be", "lang": "en", "technical": ANSWERS, "behavioral": 0, "personal": 1, "follow_ups": 0}),
            )
            .await
            .json()
            .await
            .unwrap();
        let interview = interview["id"].as_str().unwrap().to_owned();
        for q in 1..=ANSWERS {
            burst.push(Request::Answer {
                token: token.clone(),
                interview: interview.clone(),
                question: format!("q{q}"),
            });
        }
        for _ in 0..UPLOADS {
            burst.push(Request::Upload {
                token: token.clone(),
            });
        }
        users.push((token, interview));
    }

    // The burst, all at once; the host is killed once half of it has been answered.
    let answered = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = burst
        .iter()
        .cloned()
        .map(|request| {
            let (api, answered) = (Arc::clone(&first.api), Arc::clone(&answered));
            tokio::spawn(async move {
                let status = request.send(&api).await;
                answered.fetch_add(1, Ordering::SeqCst);
                status
            })
        })
        .collect();
    while answered.load(Ordering::SeqCst) < burst.len() / 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    first.child.kill().await.unwrap();
    let mut cut_off = Vec::new();
    for (request, task) in burst.iter().zip(tasks) {
        match task.await.unwrap() {
            Some(status) if status.is_success() => {}
            _ => cut_off.push(request.clone()),
        }
    }

    let restarted_at = Instant::now();
    let second = LocalHost::start(data.path(), port, &[], "host-2.log", "info").await;
    for request in &cut_off {
        let status = request.send(&second.api).await;
        assert!(
            status.is_some_and(|s| s.is_success()),
            "{request:?} sent again: {status:?}"
        );
    }
    let api = &second.api;
    for (token, interview) in &users {
        poll_until(
            "every answer evaluated and the personal questions written",
            Duration::from_secs(60).saturating_sub(restarted_at.elapsed()),
            async || {
                let report: Value = api.report(token, interview).await.json().await.unwrap();
                let view: Value = api.interview(token, interview).await.json().await.unwrap();
                let statuses: Vec<String> = report["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .take(ANSWERS)
                    .map(|item| item["status"].as_str().unwrap().to_owned())
                    .collect();
                (
                    statuses,
                    view["personal_status"].as_str().unwrap().to_owned(),
                )
            },
            |(statuses, personal)| statuses.iter().all(|s| s == "evaluated") && personal == "ready",
        )
        .await;
        poll_until(
            "every CV read",
            Duration::from_secs(60).saturating_sub(restarted_at.elapsed()),
            async || {
                let cvs: Value = api.cvs(token).await.json().await.unwrap();
                cvs["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|cv| cv["status"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            },
            |statuses| statuses.len() > UPLOADS && statuses.iter().all(|s| s == "ready"),
        )
        .await;
    }
    let finished = restarted_at.elapsed();
    let log = std::fs::read_to_string(data.path().join("host-2.log")).unwrap();
    let recovery = log
        .lines()
        .find(|line| line.contains("\"sweep\""))
        .unwrap_or("(no sweep line)");
    println!(
        "restart: {} requests in the burst, {} cut off by the kill and sent again; every job finished {:.1} s after the restart; {recovery}",
        burst.len(),
        cut_off.len(),
        finished.as_secs_f64()
    );
    assert!(finished < Duration::from_secs(60));
}
