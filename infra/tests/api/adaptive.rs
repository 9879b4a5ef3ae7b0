//! Interviews that adapt, on both adapter families: a weak answer that misses something gets
//! exactly one follow-up and a strong one none; a follow-up is never asked before its question
//! is answered and another one after it; the limit holds under concurrent evaluations; the
//! end waits for follow-ups still being written only for a bounded time; follow-ups can be
//! turned off; the report shows each under the question it follows.

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Api, TestUser, poll_until, test_bank};
use cyi_shared::domain::interview::FOLLOW_UP_WAIT_SECONDS;
use cyi_shared::domain::job::Job;
use cyi_shared::testing::{Family, ManualClock};
use serde_json::{Value, json};

api_cases!(
    a_weak_answer_gets_one_follow_up_and_a_strong_one_none,
    the_follow_up_limit_holds_under_concurrent_evaluations,
    the_end_waits_for_follow_ups_only_for_a_bounded_time,
    follow_ups_can_be_turned_off,
);

const WEAK: &str = "I am not sure, I have not worked with this much.";

async fn interview_with(api: &Api, token: &str, technical: u64, follow_ups: u64) -> String {
    let cv: Value = api
        .create_text_cv(
            token,
            "Backend engineer. Go, PostgreSQL, Kafka at Acme Inc.",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let created = api
        .create_interview(token, &json!({"cv_id": cv["id"], "position": "be", "lang": "en", "technical": technical, "behavioral": 0, "personal": 0, "follow_ups": follow_ups}))
        .await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    assert_eq!(interview["follow_ups"], follow_ups);
    interview["id"].as_str().unwrap().to_owned()
}

async fn next_id(api: &Api, token: &str, id: &str) -> Value {
    let next: Value = api.next(token, id).await.json().await.unwrap();
    next.get("id").cloned().unwrap_or(next["status"].clone())
}

/// The interview once `question`'s evaluation has settled.
async fn settled(api: &Api, token: &str, id: &str, question: &str) -> Value {
    poll_until(
        "the evaluation",
        Duration::from_secs(20),
        async || api.report(token, id).await.json::<Value>().await.unwrap(),
        |report| {
            report["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["question_id"] == question && i["status"] == "evaluated")
        },
    )
    .await;
    api.interview(token, id).await.json().await.unwrap()
}

fn follow_ups(interview: &Value) -> Vec<(String, String)> {
    interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| {
            Some((
                q["id"].as_str()?.to_owned(),
                q.get("follows")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

async fn a_weak_answer_gets_one_follow_up_and_a_strong_one_none(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("adaptive").await.token;
    let id = interview_with(&api, &token, 3, 3).await;
    // The example answers, as the report shows them, make strong answers.
    let report: Value = api.report(&token, &id).await.json().await.unwrap();
    let example = |n: usize| {
        report["items"][n]["example_answer"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    assert_eq!(api.answer(&token, &id, "q1", WEAK).await.status(), 202);
    let interview = settled(&api, &token, &id, "q1").await;
    assert_eq!(
        follow_ups(&interview),
        [("q1f".to_owned(), "q1".to_owned())]
    );
    let follow_up = &interview["questions"][3];
    assert_eq!(follow_up["kind"], "technical");
    assert!(
        follow_up["text"]
            .as_str()
            .unwrap()
            .contains("\"I am not sure, I have not worked with this much\""),
        "grounded in what was said: {follow_up}"
    );
    // Written, but not asked straight after its question: another question comes between.
    assert_eq!(next_id(&api, &token, &id).await, "q2");

    assert_eq!(
        api.answer(&token, &id, "q2", &example(1)).await.status(),
        202
    );
    let interview = settled(&api, &token, &id, "q2").await;
    assert_eq!(follow_ups(&interview).len(), 1, "a strong answer gets none");
    assert_eq!(next_id(&api, &token, &id).await, "q1f");
    assert_eq!(api.answer(&token, &id, "q1f", WEAK).await.status(), 202);
    let interview = settled(&api, &token, &id, "q1f").await;
    assert_eq!(
        follow_ups(&interview).len(),
        1,
        "a follow-up gets no follow-up"
    );
    assert_eq!(next_id(&api, &token, &id).await, "q3");
    assert_eq!(
        api.answer(&token, &id, "q3", &example(2)).await.status(),
        202
    );

    let report = poll_until(
        "the complete report",
        Duration::from_secs(20),
        async || api.report(&token, &id).await.json::<Value>().await.unwrap(),
        |report| report["complete"] == true,
    )
    .await;
    let order: Vec<(&str, Option<&str>)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["question_id"].as_str().unwrap(), i["follows"].as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("q1", None),
            ("q1f", Some("q1")),
            ("q2", None),
            ("q3", None)
        ]
    );
    assert_eq!(report["status"], "completed");
    assert!(report["score"].as_f64().is_some());
}

async fn the_follow_up_limit_holds_under_concurrent_evaluations(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let TestUser { id: user_id, token } = api.user("capped").await;
    let id = interview_with(&api, &token, 4, 2).await;
    for q in ["q1", "q2", "q3", "q4"] {
        assert_eq!(api.answer(&token, &id, q, WEAK).await.status(), 202);
    }
    // Four weak answers evaluated at once: two follow-ups, no more.
    let services = api.services().clone();
    let runs: Vec<_> = ["q1", "q2", "q3", "q4"]
        .map(|q| {
            let job = Job::EvaluateAnswer {
                user_id: user_id.clone(),
                interview_id: id.clone(),
                question_id: q.to_owned(),
            };
            let services = services.clone();
            tokio::spawn(async move { cyi_worker::run_job(&services, job, 1).await })
        })
        .into_iter()
        .collect();
    for run in runs {
        run.await.unwrap().unwrap();
    }
    let interview: Value = api.interview(&token, &id).await.json().await.unwrap();
    assert_eq!(follow_ups(&interview).len(), 2, "{interview}");
    // Both are asked (the last questions are all answered), then the interview is over.
    for _ in 0..2 {
        let next = next_id(&api, &token, &id).await;
        let follow_up = next.as_str().unwrap();
        assert!(follow_up.ends_with('f'), "{next}");
        assert_eq!(api.answer(&token, &id, follow_up, WEAK).await.status(), 202);
    }
    assert_eq!(next_id(&api, &token, &id).await, "complete");
}

async fn the_end_waits_for_follow_ups_only_for_a_bounded_time(mut family: Family) {
    let clock = ManualClock::at(time::OffsetDateTime::now_utc().unix_timestamp());
    family.services.clock = Arc::new(clock.clone());
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    // No worker: nothing is evaluated, so any answer may still bring a follow-up.
    let token = api.user("waiting").await.token;
    let id = interview_with(&api, &token, 2, 3).await;
    for q in ["q1", "q2"] {
        assert_eq!(api.answer(&token, &id, q, WEAK).await.status(), 202);
    }
    let next = api.next(&token, &id).await;
    assert!(next.headers().contains_key("retry-after"));
    let next: Value = next.json().await.unwrap();
    assert_eq!(next["status"], "pending");
    clock.advance(FOLLOW_UP_WAIT_SECONDS - 1);
    assert_eq!(next_id(&api, &token, &id).await, "pending");
    clock.advance(1);
    assert_eq!(next_id(&api, &token, &id).await, "complete");
    let interview: Value = api.interview(&token, &id).await.json().await.unwrap();
    assert_eq!(interview["status"], "completed");
}

async fn follow_ups_can_be_turned_off(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("plain").await.token;
    let id = interview_with(&api, &token, 2, 0).await;
    for q in ["q1", "q2"] {
        assert_eq!(api.answer(&token, &id, q, WEAK).await.status(), 202);
    }
    let interview = settled(&api, &token, &id, "q2").await;
    settled(&api, &token, &id, "q1").await;
    assert!(follow_ups(&interview).is_empty());
    assert_eq!(next_id(&api, &token, &id).await, "complete");
}
