//! Interviews that adapt, on both adapter families: a weak answer that misses something gets
//! exactly one follow-up and a strong one none; a follow-up is never asked before its question
//! is answered and another one after it; the limit holds under concurrent evaluations; the
//! end waits for follow-ups still being written only for a bounded time; follow-ups can be
//! turned off; the report shows each under the question it follows. Progress across
//! interviews puts the weakest area first, and practice on weak areas aims at it. A question
//! answered again after its evaluation (twice at most) shows its change in the report.

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
    progress_and_practice_aim_at_the_weakest_topic,
    a_new_account_practising_weak_areas_gets_the_usual_spread,
    a_retry_shows_its_change_in_the_report,
);

const WEAK: &str = "I am not sure, I have not worked with this much.";

async fn interview_with(api: &Api, token: &str, technical: u64, follow_ups: u64) -> String {
    let cv = api
        .text_cv_id(
            token,
            "Backend engineer. Go, PostgreSQL, Kafka at Acme Inc.",
        )
        .await;
    let created = api
        .create_interview(token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": technical, "behavioral": 0, "personal": 0, "follow_ups": follow_ups}))
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

/// Runs a whole interview (four technical questions, no follow-ups): databases answered
/// weakly, the rest with the example answer; returns once every answer is evaluated.
async fn weak_on_databases(api: &Api, token: &str) {
    let cv = api.text_cv_id(token, "Backend engineer at Acme Inc.").await;
    let created = api
        .create_interview(token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 4, "behavioral": 0, "personal": 0, "follow_ups": 0}))
        .await;
    let interview: Value = created.json().await.unwrap();
    let id = interview["id"].as_str().unwrap();
    let report: Value = api.report(token, id).await.json().await.unwrap();
    for item in report["items"].as_array().unwrap() {
        let answer = match item["topic"].as_str() {
            Some("databases") => WEAK.to_owned(),
            _ => item["example_answer"].as_str().unwrap().to_owned(),
        };
        let question = item["question_id"].as_str().unwrap();
        assert_eq!(api.answer(token, id, question, &answer).await.status(), 202);
    }
    poll_until(
        "every evaluation",
        Duration::from_secs(20),
        async || api.report(token, id).await.json::<Value>().await.unwrap(),
        |report| report["complete"] == true,
    )
    .await;
}

async fn progress_and_practice_aim_at_the_weakest_topic(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("practising").await.token;
    for _ in 0..2 {
        weak_on_databases(&api, &token).await;
    }
    let progress: Value = api
        .authed(reqwest::Method::GET, "/me/progress", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(progress["interviews"], 2);
    let areas = progress["areas"].as_array().unwrap();
    assert_eq!(areas[0]["name"], "databases", "{progress}");
    assert_eq!(areas[0]["kind"], "topic");
    assert_eq!(areas[0]["answers"], 4);
    assert_eq!(areas[0]["history"].as_array().unwrap().len(), 2);
    assert!(areas[0]["trend"].is_number());
    assert!(areas[0]["score"].as_f64().unwrap() < areas[1]["score"].as_f64().unwrap());

    let cv = api
        .text_cv_id(&token, "Backend engineer at Acme Inc.")
        .await;
    let created = api
        .create_interview(&token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 2, "behavioral": 0, "personal": 0, "focus": "weak"}))
        .await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    assert_eq!(
        interview["focus"]["reason"], "weakest_topics",
        "{interview}"
    );
    assert_eq!(
        interview["focus"]["topics"][0]["topic"], "databases",
        "{interview}"
    );
    assert_eq!(
        interview["focus"]["topics"].as_array().unwrap().len(),
        1,
        "networking is strong"
    );
    assert_eq!(interview["focus"]["topics"][0]["answers"], 4);
    let topics: Vec<&str> = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["topic"].as_str().unwrap())
        .collect();
    assert_eq!(topics, ["databases", "databases"]);
}

async fn a_new_account_practising_weak_areas_gets_the_usual_spread(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("newcomer").await.token;
    let progress: Value = api
        .authed(reqwest::Method::GET, "/me/progress", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(progress, json!({"interviews": 0, "areas": []}));
    let cv = api
        .text_cv_id(&token, "Backend engineer at Acme Inc.")
        .await;
    let created = api
        .create_interview(&token, &json!({"cv_id": cv, "position": "be", "lang": "en", "technical": 2, "personal": 0, "focus": "weak"}))
        .await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    assert_eq!(
        interview["focus"],
        json!({"reason": "too_few_answers", "topics": []})
    );
    let mut topics: Vec<&str> = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["topic"].as_str())
        .collect();
    topics.sort_unstable();
    assert_eq!(topics, ["databases", "networking"], "the usual spread");
    let refused = api
        .create_interview(
            &token,
            &json!({"cv_id": cv, "position": "be", "lang": "en", "focus": "strong"}),
        )
        .await;
    assert_eq!(refused.status(), 422);
}

async fn retry(
    api: &Api,
    token: &str,
    id: &str,
    question: &str,
    answer: &str,
) -> reqwest::Response {
    api.authed(
        reqwest::Method::POST,
        &format!("/interviews/{id}/answers/{question}/retries"),
        token,
    )
    .json(&json!({ "answer": answer }))
    .send()
    .await
    .unwrap()
}

async fn a_retry_shows_its_change_in_the_report(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("retrying").await.token;
    let id = interview_with(&api, &token, 1, 0).await;
    // Not answered yet, then answered but not evaluated (no worker yet): not now.
    let early = retry(&api, &token, &id, "q1", "Too early.").await;
    assert_eq!(early.status(), 409);
    assert_eq!(
        crate::common::problem(early).await["code"],
        "not_evaluated_yet"
    );
    assert_eq!(api.answer(&token, &id, "q1", WEAK).await.status(), 202);
    let early = retry(&api, &token, &id, "q1", "Still early.").await;
    assert_eq!(
        crate::common::problem(early).await["code"],
        "not_evaluated_yet"
    );
    api.start_worker();
    let interview = settled(&api, &token, &id, "q1").await;
    assert_eq!(interview["status"], "completed");

    let report: Value = api.report(&token, &id).await.json().await.unwrap();
    let example = report["items"][0]["example_answer"]
        .as_str()
        .unwrap()
        .to_owned();
    let first_score = report["items"][0]["evaluation"]["score"].as_i64().unwrap();
    assert_eq!(report["items"][0]["retries_left"], 2);
    let sent = retry(&api, &token, &id, "q1", &example).await;
    assert_eq!(sent.status(), 202);
    let receipt: Value = sent.json().await.unwrap();
    assert_eq!(receipt["attempt"], 1);
    assert_eq!(receipt["evaluation_status"], "queued");
    assert_eq!(retry(&api, &token, &id, "q1", WEAK).await.status(), 202);
    let third = retry(&api, &token, &id, "q1", "Once more.").await;
    assert_eq!(third.status(), 409);
    assert_eq!(
        crate::common::problem(third).await["code"],
        "retry_limit_reached"
    );
    assert_eq!(
        retry(&api, &token, &id, "q9", "No such question.")
            .await
            .status(),
        404
    );
    assert_eq!(retry(&api, &token, &id, "q1", "   ").await.status(), 422);

    let report = poll_until(
        "both retries evaluated",
        Duration::from_secs(20),
        async || api.report(&token, &id).await.json::<Value>().await.unwrap(),
        |report| {
            report["items"][0]["retries"]
                .as_array()
                .is_some_and(|r| r.len() == 2 && r.iter().all(|r| r["status"] == "evaluated"))
        },
    )
    .await;
    let item = &report["items"][0];
    let better = &item["retries"][0];
    assert_eq!(better["attempt"], 1);
    let better_score = better["evaluation"]["score"].as_i64().unwrap();
    assert!(better_score > first_score, "{item}");
    assert_eq!(better["score_change"], better_score - first_score);
    assert!(!better["key_points_gained"].as_array().unwrap().is_empty());
    assert_eq!(
        item["retries"][1]["score_change"], 0,
        "the same weak answer again"
    );
    // The interview's own score is the first answers': a retry is practice.
    assert_eq!(item["evaluation"]["score"], first_score);
    assert_eq!(item["retries_left"], 0);
    let markdown = api.report_markdown(&token, &id).await.text().await.unwrap();
    assert!(
        markdown.contains("**Answered again, attempt 1**"),
        "{markdown}"
    );
}
