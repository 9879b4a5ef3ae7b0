//! Interviews through the HTTP API and the worker, on both adapter families: creation under
//! the quota, question order and selection, the next question, idempotent answers, another
//! user's interview, bad input, and an interview run to a complete report.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::{Api, TestUser, poll_until, problem, test_bank};
use async_trait::async_trait;
use cyi_shared::domain::job::Job;
use cyi_shared::domain::job::WORK_LEASE_SECONDS;
use cyi_shared::ports::{
    Condition, Delivery, Item, ItemKey, ItemStore, JobQueue, Page, Query, QueueError, StoreError,
    Update, WriteOp,
};
use cyi_shared::testing::{Family, ManualClock};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

api_cases!(
    an_interview_runs_to_a_complete_report,
    the_quota_holds_under_concurrency,
    a_failed_creation_gives_its_unit_back,
    concurrent_identical_answers_are_stored_once_and_queued_once,
    next_is_pending_while_personal_questions_are_written,
    unseen_questions_come_first,
    another_users_interview_is_not_found,
    bad_input_names_the_field,
    the_cv_must_be_yours_and_ready,
    an_answer_whose_unqueued_mark_failed_is_queued_again_after_its_lease,
    an_interview_stored_before_questions_had_states_takes_answers,
    a_corrected_cv_reaches_later_interviews_only,
);

/// Counts the jobs sent, by kind, around the family's real queue.
struct CountingQueue {
    inner: Arc<dyn JobQueue>,
    /// While set, every message is refused, as in an SQS outage.
    refusing: AtomicBool,
    evaluations: AtomicUsize,
}

impl CountingQueue {
    fn around(inner: &Arc<dyn JobQueue>) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::clone(inner),
            refusing: AtomicBool::new(false),
            evaluations: AtomicUsize::new(0),
        })
    }
}

#[async_trait]
impl JobQueue for CountingQueue {
    fn max_receives(&self) -> u32 {
        self.inner.max_receives()
    }
    async fn send_raw(&self, body: String) -> Result<String, QueueError> {
        if self.refusing.load(Ordering::SeqCst) {
            return Err(QueueError::backend(anyhow::anyhow!("queue unavailable")));
        }
        if matches!(serde_json::from_str(&body), Ok(Job::EvaluateAnswer { .. })) {
            self.evaluations.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.send_raw(body).await
    }
    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        self.inner.receive(max, wait).await
    }
    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.inner.delete(receipt).await
    }
    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        self.inner.receive_dead_letters(max).await
    }
}

/// A queue that refuses every message: an SQS outage.
struct RefusingQueue;

#[async_trait]
impl JobQueue for RefusingQueue {
    fn max_receives(&self) -> u32 {
        1
    }
    async fn send_raw(&self, _: String) -> Result<String, QueueError> {
        Err(QueueError::backend(anyhow::anyhow!("queue unavailable")))
    }
    async fn receive(&self, _: usize, _: Duration) -> Result<Vec<Delivery>, QueueError> {
        Ok(Vec::new())
    }
    async fn delete(&self, _: &str) -> Result<(), QueueError> {
        Ok(())
    }
    async fn receive_dead_letters(&self, _: usize) -> Result<Vec<Delivery>, QueueError> {
        Ok(Vec::new())
    }
}

/// A CV to interview on: its text, ready at once.
/// The id of a new text CV of the user's, ready at once.
async fn text_cv(api: &Api, token: &str) -> String {
    let cv: Value = api
        .create_text_cv(token, CV, None)
        .await
        .json()
        .await
        .unwrap();
    cv["id"].as_str().unwrap().to_owned()
}

/// The id of a new interview the request body describes.
async fn started(api: &Api, token: &str, body: &Value) -> String {
    let interview: Value = api
        .create_interview(token, body)
        .await
        .json()
        .await
        .unwrap();
    interview["id"].as_str().unwrap().to_owned()
}

const CV: &str = "Jane Doe\nAcme Cloud Inc.\n• Led the migration of 40 services to Kubernetes, cutting deploy time by 70%\n• Built a Kafka pipeline for payments in Go\nSkills: Rust, PostgreSQL, Terraform";

async fn an_interview_runs_to_a_complete_report(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("runner").await.token;
    let cv = text_cv(&api, &token).await;
    let created = api.create_interview(&token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 2, "behavioral": 2, "personal": 2, "follow_ups": 0})).await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    let id = interview["id"].as_str().unwrap().to_owned();
    let kinds: Vec<&str> = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "technical",
            "technical",
            "behavioral",
            "behavioral",
            "personal",
            "personal"
        ]
    );
    let competencies: Vec<&Value> = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "behavioral")
        .map(|q| &q["competency"])
        .collect();
    assert_ne!(
        competencies[0], competencies[1],
        "behavioral questions cover different competencies"
    );
    assert_eq!(interview["next"]["status"], "question");
    assert_eq!(interview["next"]["id"], "q1");
    assert!(
        interview["questions"][0].get("example_answer").is_none(),
        "answers stay hidden"
    );

    let mut answered = 0;
    poll_until(
        "every question answered",
        Duration::from_secs(20),
        async || {
            let step: Value = api.next(&token, &id).await.json().await.unwrap();
            match step["status"].as_str().unwrap() {
                "question" => {
                    let q = step["id"].as_str().unwrap();
                    let text = "In my last project the situation was slow queries; my task was to fix them. I decided to add a B-tree index so lookups avoid a full table scan, and as a result p99 latency dropped 40%.";
                    assert_eq!(api.answer(&token, &id, q, text).await.status(), 202);
                    answered += 1;
                }
                "pending" | "complete" => {}
                other => panic!("unexpected {other}"),
            }
            step
        },
        |step| step["status"] == "complete",
    )
    .await;
    assert_eq!(answered, 6);
    let report = poll_until(
        "every evaluation",
        Duration::from_secs(20),
        async || api.report(&token, &id).await.json::<Value>().await.unwrap(),
        |report| report["complete"] == true,
    )
    .await;
    assert_eq!(report["complete"], true, "{report}");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    for item in items {
        assert_eq!(item["status"], "evaluated", "{item}");
        assert_eq!(item["evaluation"]["grader"], "offline");
        assert!((1..=10).contains(&item["evaluation"]["score"].as_u64().unwrap()));
    }
    assert!(items[0]["example_answer"].is_string());
    assert!(
        items[4]["question"].as_str().unwrap().len() > 10,
        "personal questions were written"
    );
    for kind in ["technical", "behavioral", "personal"] {
        assert!(
            report["scores_by_kind"][kind]["score"].is_number(),
            "{kind}"
        );
    }
    assert_eq!(report["scores_by_competency"].as_object().unwrap().len(), 2);
    let markdown = api.report_markdown(&token, &id).await;
    assert!(
        markdown.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    let markdown = markdown.text().await.unwrap();
    assert!(markdown.starts_with("# Interview report"));
    assert!(markdown.contains("Example answer"));
    let history = poll_until(
        "the interview's score in the history",
        Duration::from_secs(10),
        async || api.history(&token).await.json::<Value>().await.unwrap(),
        |history| history["items"][0]["score"].is_number(),
    )
    .await;
    assert_eq!(history["items"][0]["id"], id.as_str());
    assert_eq!(history["items"][0]["status"], "completed");
    assert!(history["items"][0]["score"].is_number(), "{history}");
}

async fn the_quota_holds_under_concurrency(family: Family) {
    let api = Arc::new(Api::start(family, &[]).await);
    api.load_bank(&test_bank()).await;
    let token = api.user("greedy").await.token;
    let cv = text_cv(&api, &token).await;
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (api, token, cv) = (Arc::clone(&api), token.clone(), cv.clone());
            tokio::spawn(async move {
                api.create_interview(
                    &token,
                    &json!({"cv_id": cv, "position": "fe", "lang": "ko", "personal": 0}),
                )
                .await
                .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((created, refused), (5, 15), "{statuses:?}");
    let history: Value = api.history(&token).await.json().await.unwrap();
    assert_eq!(history["items"].as_array().unwrap().len(), 5);
    let me: Value = api.me(&token).await.json().await.unwrap();
    assert_eq!(
        (
            me["interviews_used"].as_i64(),
            me["interviews_left"].as_i64()
        ),
        (Some(5), Some(0))
    );
    let refused = api
        .create_interview(
            &token,
            &json!({"cv_id": cv, "position": "fe", "lang": "ko"}),
        )
        .await;
    assert_eq!(problem(refused).await["code"], "quota_exhausted");
}

async fn a_failed_creation_gives_its_unit_back(mut family: Family) {
    family.services.queue = Arc::new(RefusingQueue);
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("unlucky").await.token;
    let cv = text_cv(&api, &token).await;
    let failed = api
        .create_interview(
            &token,
            &json!({"cv_id": cv, "position": "ai", "lang": "en"}),
        )
        .await;
    assert_eq!(failed.status(), 500);
    assert!(problem(failed).await["request_id"].is_string());
    let me: Value = api.me(&token).await.json().await.unwrap();
    assert_eq!(me["interviews_used"], 0);
    let history: Value = api.history(&token).await.json().await.unwrap();
    assert_eq!(history["items"], json!([]));
    // Without personal questions nothing needs the queue at creation.
    assert_eq!(
        api.create_interview(
            &token,
            &json!({"cv_id": cv, "position": "ai", "lang": "en", "personal": 0})
        )
        .await
        .status(),
        201
    );
}

async fn concurrent_identical_answers_are_stored_once_and_queued_once(mut family: Family) {
    let counting = CountingQueue::around(&family.services.queue);
    family.services.queue = counting.clone();
    let api = Arc::new(Api::start(family, &[]).await);
    api.load_bank(&test_bank()).await;
    let token = api.user("repeater").await.token;
    let cv = text_cv(&api, &token).await;
    let id = started(
        &api,
        &token,
        &json!({"cv_id": cv, "position": "mobile", "lang": "en", "personal": 0}),
    )
    .await;
    let submissions: Vec<_> = (0..10)
        .map(|_| {
            let (api, token, id) = (Arc::clone(&api), token.clone(), id.clone());
            tokio::spawn(async move {
                let response = api
                    .answer(&token, &id, "q1", "The same careful answer.")
                    .await;
                (response.status(), response.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for submission in submissions {
        let (status, receipt) = submission.await.unwrap();
        assert_eq!(status, 202, "{receipt}");
        receipts.push(receipt);
    }
    assert!(
        receipts
            .windows(2)
            .all(|w| w[0]["submitted_at"] == w[1]["submitted_at"]),
        "{receipts:?}"
    );
    assert_eq!(counting.evaluations.load(Ordering::SeqCst), 1);
    let again = api
        .answer(&token, &id, "q1", "  The same careful answer.  ")
        .await;
    assert_eq!(again.status(), 202);
    assert_eq!(counting.evaluations.load(Ordering::SeqCst), 1);
    let different = api.answer(&token, &id, "q1", "A different answer.").await;
    assert_eq!(problem(different).await["code"], "already_answered");
    let view: Value = api.interview(&token, &id).await.json().await.unwrap();
    assert_eq!(view["questions"][0]["answered"], true);
    assert_eq!(view["next"]["id"], "q2");
}

async fn next_is_pending_while_personal_questions_are_written(family: Family) {
    // No worker runs: the personal questions stay unwritten.
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("waiter").await.token;
    let cv = text_cv(&api, &token).await;
    let interview: Value = api.create_interview(&token, &json!({"cv_id": cv, "position": "ai", "lang": "en", "technical": 1, "behavioral": 0, "personal": 3})).await.json().await.unwrap();
    let id = interview["id"].as_str().unwrap();
    assert_eq!(interview["personal_status"], "pending");
    assert_eq!(
        api.answer(&token, id, "q1", "An answer.").await.status(),
        202
    );
    let pending = api.next(&token, id).await;
    assert_eq!(pending.headers()["retry-after"], "5");
    assert_eq!(
        pending.json::<Value>().await.unwrap(),
        json!({"status": "pending"})
    );
    let early = api.answer(&token, id, "q2", "Too early.").await;
    assert_eq!(problem(early).await["code"], "question_not_ready");
}

async fn unseen_questions_come_first(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("explorer").await.token;
    let cv = text_cv(&api, &token).await;
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..2 {
        let interview: Value = api.create_interview(&token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 2, "behavioral": 3, "personal": 0})).await.json().await.unwrap();
        for q in interview["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["kind"] == "technical")
        {
            assert!(
                seen.insert(q["text"].as_str().unwrap().to_owned()),
                "round {round} repeated a question while unseen ones remained"
            );
        }
    }
    // The test bank holds four `be` questions: all four have been asked once.
    assert_eq!(seen.len(), 4);
    let third: Value = api
        .create_interview(
            &token,
            &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 2, "personal": 0}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        third["questions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["kind"] == "technical")
            .count(),
        2
    );
}

async fn another_users_interview_is_not_found(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let owner = api.user("owner").await.token;
    let intruder = api.user("intruder").await.token;
    let cv = text_cv(&api, &owner).await;
    let id = &started(
        &api,
        &owner,
        &json!({"cv_id": cv, "position": "fe", "lang": "en", "personal": 0}),
    )
    .await;
    for (method, path, response) in [
        (
            Method::GET,
            format!("/interviews/{id}"),
            api.interview(&intruder, id).await,
        ),
        (
            Method::GET,
            format!("/interviews/{id}/next"),
            api.next(&intruder, id).await,
        ),
        (
            Method::GET,
            format!("/interviews/{id}/report"),
            api.report(&intruder, id).await,
        ),
        (
            Method::PUT,
            format!("/interviews/{id}/answers/q1"),
            api.answer(&intruder, id, "q1", "mine now").await,
        ),
    ] {
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    let history: Value = api.history(&intruder).await.json().await.unwrap();
    assert_eq!(history["items"], json!([]));
    // The intruder cannot start an interview from the owner's CV either.
    let stolen = api
        .create_interview(
            &intruder,
            &json!({"cv_id": cv, "position": "fe", "lang": "en"}),
        )
        .await;
    assert_eq!(problem(stolen).await["code"], "cv_not_found");
    let view: Value = api.interview(&owner, id).await.json().await.unwrap();
    assert_eq!(view["questions"][0]["answered"], false);
}

async fn bad_input_names_the_field(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let TestUser { id, token } = api.user("sloppy").await;
    let cv = text_cv(&api, &token).await;
    let cases = [
        (json!({"position": "be", "lang": "en"}), "cv_id"),
        (
            json!({"cv_id": cv, "position": "devops", "lang": "en"}),
            "position",
        ),
        (json!({"cv_id": cv, "position": "be", "lang": "jp"}), "lang"),
        (
            json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 0}),
            "technical",
        ),
        (
            json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 11}),
            "technical",
        ),
        (
            json!({"cv_id": cv, "position": "be", "lang": "en", "behavioral": 6}),
            "behavioral",
        ),
        (
            json!({"cv_id": cv, "position": "be", "lang": "en", "personal": "five"}),
            "personal",
        ),
        (
            json!({"cv_id": 42, "position": "be", "lang": "en"}),
            "cv_id",
        ),
    ];
    for (body, field) in cases {
        let response = api.create_interview(&token, &body).await;
        assert_eq!(response.status(), 422, "{body}");
        let errors = problem(response).await["errors"].clone();
        assert!(
            errors
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{body}: {errors}"
        );
    }
    let iid = &started(
        &api,
        &token,
        &json!({"cv_id": cv, "position": "be", "lang": "en", "personal": 0}),
    )
    .await;
    // Malformed answers, so the request is built by hand.
    for body in [
        json!({}),
        json!({"answer": ""}),
        json!({"answer": "   "}),
        json!({"answer": "x".repeat(5_001)}),
        json!({"answer": 7}),
    ] {
        let response = api
            .request(Method::PUT, &format!("/interviews/{iid}/answers/q1"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        assert_eq!(problem(response).await["errors"][0]["field"], "answer");
    }
    assert_eq!(
        api.answer(&token, iid, "q99", "An answer.").await.status(),
        404
    );
    let me: Value = api.me(&token).await.json().await.unwrap();
    assert_eq!(
        me["interviews_used"], 1,
        "{id}: refused requests take no quota"
    );
}

async fn the_cv_must_be_yours_and_ready(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("early").await.token;
    let pdf: Value = api
        .upload_pdf(&token, None, b"%PDF-1.7\nnot really\n%%EOF\n".to_vec())
        .await
        .json()
        .await
        .unwrap();
    let not_ready = api
        .create_interview(
            &token,
            &json!({"cv_id": pdf["id"], "position": "be", "lang": "en"}),
        )
        .await;
    assert_eq!(not_ready.status(), 409);
    let body = problem(not_ready).await;
    assert_eq!(body["code"], "cv_not_ready");
    assert!(body["detail"].as_str().unwrap().contains("processing"));
    let missing = api
        .create_interview(
            &token,
            &json!({"cv_id": "0".repeat(32), "position": "be", "lang": "en"}),
        )
        .await;
    assert_eq!(problem(missing).await["code"], "cv_not_found");
}

/// The family's store, except that marking an answer `unqueued` fails, as a throttled table
/// would right after the queue refused its job.
struct UnqueuedMarksFail(Arc<dyn ItemStore>);

#[async_trait]
impl ItemStore for UnqueuedMarksFail {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        self.0.get(key).await
    }
    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        self.0.put(item, condition).await
    }
    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        let unqueued = Update::set("evaluation_status", "unqueued");
        if updates.contains(&unqueued) {
            return Err(StoreError::backend(anyhow::anyhow!("throttled")));
        }
        self.0.update(key, updates, condition).await
    }
    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        self.0.delete(key, condition).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.0.query(query).await
    }
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        self.0.transact(ops).await
    }
}

async fn an_answer_whose_unqueued_mark_failed_is_queued_again_after_its_lease(mut family: Family) {
    let clock = ManualClock::at(time::OffsetDateTime::now_utc().unix_timestamp());
    family.services.clock = Arc::new(clock.clone());
    let queue = CountingQueue::around(&family.services.queue);
    family.services.queue = queue.clone();
    family.services.store = Arc::new(UnqueuedMarksFail(Arc::clone(&family.services.store)));
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("stuck").await.token;
    let cv = text_cv(&api, &token).await;
    let id = &started(
        &api,
        &token,
        &json!({"cv_id": cv, "position": "be", "lang": "en", "personal": 0}),
    )
    .await;

    // The queue refuses the job and the mark that would say so fails too.
    queue.refusing.store(true, Ordering::SeqCst);
    let refused = api.answer(&token, id, "q1", "An answer.").await;
    assert_eq!(refused.status(), 500);
    queue.refusing.store(false, Ordering::SeqCst);

    // Within its lease the answer counts as queued: the same answer again sends nothing.
    let again = api.answer(&token, id, "q1", "An answer.").await;
    assert_eq!(again.status(), 202);
    assert_eq!(queue.evaluations.load(Ordering::SeqCst), 0);

    // Past its lease without a result the job is taken as lost and sent again, once.
    clock.advance(WORK_LEASE_SECONDS + 1);
    let resent = api.answer(&token, id, "q1", "An answer.").await;
    assert_eq!(resent.status(), 202);
    let receipt: Value = resent.json().await.unwrap();
    assert_eq!(receipt["evaluation_status"], "queued");
    assert_eq!(queue.evaluations.load(Ordering::SeqCst), 1);
    let once_more = api.answer(&token, id, "q1", "An answer.").await;
    assert_eq!(once_more.status(), 202);
    assert_eq!(
        queue.evaluations.load(Ordering::SeqCst),
        1,
        "queued again: nothing sent"
    );
}

async fn an_interview_stored_before_questions_had_states_takes_answers(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let user = api.user("veteran").await;
    let cv = text_cv(&api, &user.token).await;
    let id = &started(
        &api,
        &user.token,
        &json!({"cv_id": cv, "position": "fe", "lang": "en", "personal": 0}),
    )
    .await;
    // As an interview written before the per-question states existed.
    let key = cyi_shared::storage::layout::interview_key(&user.id, id);
    api.services()
        .store
        .update(&key, vec![Update::Remove("state#q1".into())], None)
        .await
        .unwrap();
    assert_eq!(
        api.answer(&user.token, id, "q1", "An answer.")
            .await
            .status(),
        202
    );
    let again = api.answer(&user.token, id, "q1", "Another answer.").await;
    assert_eq!(problem(again).await["code"], "already_answered");
    let missing = api.answer(&user.token, id, "q99", "An answer.").await;
    assert_eq!(missing.status(), 404);
}

/// The personal questions of an interview once written, joined.
async fn personal_questions(api: &Api, token: &str, id: &str) -> String {
    let interview = poll_until(
        "the personal questions",
        Duration::from_secs(20),
        async || {
            api.interview(token, id)
                .await
                .json::<Value>()
                .await
                .unwrap()
        },
        |interview| interview["personal_status"] != "pending",
    )
    .await;
    assert_eq!(interview["personal_status"], "ready", "{interview}");
    interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "personal")
        .map(|q| q["text"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn a_corrected_cv_reaches_later_interviews_only(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("corrector").await.token;
    let cv = text_cv(&api, &token).await;
    let body = json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 1, "behavioral": 0, "personal": 3});
    // No worker yet: the first interview's personal questions are still to be written when
    // the CV is corrected.
    let before: Value = api
        .create_interview(&token, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["personal_status"], "pending");
    let corrected = "John Roe\nInitech Corp.\n• Rewrote the billing engine in Scala, halving invoice errors\nSkills: Scala, Redis";
    let patched = api
        .authed(Method::PATCH, &format!("/cvs/{cv}"), &token)
        .json(&json!({ "text": corrected }))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let after: Value = api
        .create_interview(&token, &body)
        .await
        .json()
        .await
        .unwrap();
    api.start_worker();

    let first = personal_questions(&api, &token, before["id"].as_str().unwrap()).await;
    assert!(first.contains("Kubernetes"), "{first}");
    assert!(
        !first.contains("Scala") && !first.contains("billing"),
        "{first}"
    );
    let second = personal_questions(&api, &token, after["id"].as_str().unwrap()).await;
    assert!(
        second.contains("Scala") && second.contains("Initech"),
        "{second}"
    );
    assert!(!second.contains("Kubernetes"), "{second}");
}
