//! Job postings through the HTTP API, on both adapter families: saved with the requirements
//! read from them, listed, shown and deleted like CVs, at most 20; interviews aimed at one
//! ask about its gaps and matches in English and Korean, lean to its topics and report the
//! fit; the posting's text never reaches the logs.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::common::{Api, poll_until, problem, test_bank};
use cyi_shared::testing::Family;
use serde_json::{Value, json};

api_cases!(
    postings_are_saved_listed_shown_and_deleted,
    bad_postings_are_refused_with_every_field_named,
    an_account_keeps_at_most_twenty_postings,
    an_interview_aimed_at_a_job_asks_about_its_gaps_and_matches_in_english,
    an_interview_aimed_at_a_job_asks_about_its_gaps_and_matches_in_korean,
    a_job_the_cv_does_not_match_still_gives_a_whole_interview,
    the_job_must_be_yours,
);

const POSTING_EN: &str = "Backend Engineer, Payments\nWe are hiring a backend engineer with 5+ years of experience.\n- Run our payment services on Kubernetes\n- Stream events through Kafka\n- Design schemas in PostgreSQL\nNice to have: React for internal tools.";
const CV_EN: &str = "Jane Doe, backend engineer\nAcme Cloud Inc., 2016 - present\n- Led the migration of 40 services to Kubernetes\n- Built internal dashboards in React\nSkills: Go, Terraform";

const POSTING_KO: &str = "[핀테크] 백엔드 개발자\n- 경력 5년 이상\n- 쿠버네티스 기반 결제 서비스 운영\n- 카프카로 이벤트 처리\n- PostgreSQL 스키마 설계\n우대: 리액트 경험";
const CV_KO: &str = "홍길동, 백엔드 개발자\n에이씨엠이 클라우드, 2016 - 현재\n- 40개 서비스를 쿠버네티스로 이전\n- 리액트로 사내 대시보드 개발";

async fn saved_job(api: &Api, token: &str, title: &str, text: &str) -> Value {
    let created = api
        .create_job(
            token,
            &json!({"title": title, "company": "Acme Pay", "text": text}),
        )
        .await;
    assert_eq!(created.status(), 201);
    created.json().await.unwrap()
}

fn requirement_ids(requirements: &Value) -> Vec<&str> {
    requirements
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

async fn postings_are_saved_listed_shown_and_deleted(family: Family) {
    let api = Api::start(family, &[]).await;
    let token = api.user("poster").await.token;
    let other = api.user("snooper").await.token;
    let job = saved_job(&api, &token, "Backend Engineer, Payments", POSTING_EN).await;
    let id = job["id"].as_str().unwrap();
    assert_eq!(job["title"], "Backend Engineer, Payments");
    assert_eq!(job["company"], "Acme Pay");
    assert_eq!(job["text_chars"], POSTING_EN.chars().count());
    assert_eq!(
        requirement_ids(&job["requirements"]),
        [
            "experience",
            "react",
            "sql",
            "kafka",
            "kubernetes",
            "payments"
        ]
    );
    assert_eq!(job["requirements"][0]["years"], 5);
    assert!(
        job.get("text").is_none(),
        "a listing never carries the text"
    );

    let second = saved_job(&api, &token, "Second", "Rust and Linux.").await;
    let listed: Value = api.jobs(&token).await.json().await.unwrap();
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second["id"].as_str().unwrap(), id], "newest first");

    let shown: Value = api.job(&token, id).await.json().await.unwrap();
    assert_eq!(shown["text"], POSTING_EN);
    assert_eq!(shown["requirements"], job["requirements"]);
    assert_eq!(api.job(&other, id).await.status(), 404);
    assert_eq!(api.delete_job(&other, id).await.status(), 404);
    assert_eq!(api.job(&token, "not-an-id").await.status(), 404);

    assert_eq!(api.delete_job(&token, id).await.status(), 204);
    assert_eq!(api.job(&token, id).await.status(), 404);
    assert_eq!(api.delete_job(&token, id).await.status(), 404);
    let listed: Value = api.jobs(&token).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

async fn bad_postings_are_refused_with_every_field_named(family: Family) {
    let api = Api::start(family, &[]).await;
    let token = api.user("badposter").await.token;
    let refused = api
        .create_job(&token, &json!({"title": "  ", "company": "a\u{7}b"}))
        .await;
    assert_eq!(refused.status(), 422);
    let body = problem(refused).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "company", "text"]);
    let too_long = api
        .create_job(
            &token,
            &json!({"title": "Long", "text": "a".repeat(20_001)}),
        )
        .await;
    assert_eq!(too_long.status(), 422);
    assert_eq!(problem(too_long).await["errors"][0]["field"], "text");
    let listed: Value = api.jobs(&token).await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]), "nothing was saved");
}

async fn an_account_keeps_at_most_twenty_postings(family: Family) {
    let api = Api::start(family, &[]).await;
    let token = api.user("collector").await.token;
    let mut first = String::new();
    for n in 0..20 {
        let job = saved_job(&api, &token, &format!("Opening {n}"), "Go and Kafka.").await;
        if n == 0 {
            first = job["id"].as_str().unwrap().to_owned();
        }
    }
    let refused = api
        .create_job(&token, &json!({"title": "One more", "text": "Rust."}))
        .await;
    assert_eq!(refused.status(), 409);
    assert_eq!(problem(refused).await["code"], "job_limit_reached");
    assert_eq!(api.delete_job(&token, &first).await.status(), 204);
    saved_job(&api, &token, "Now it fits", "Rust.").await;
}

/// Answers every question, then waits for the complete report.
async fn answer_everything(api: &Api, token: &str, id: &str) -> Value {
    poll_until(
        "every question answered",
        Duration::from_secs(30),
        async || {
            let step: Value = api.next(token, id).await.json().await.unwrap();
            if step["status"] == "question" {
                let question = step["id"].as_str().unwrap();
                let answer = "I ran the migration: I split the work per service, measured p99 latency before and after, and rolled back one service when errors rose.";
                assert_eq!(api.answer(token, id, question, answer).await.status(), 202);
            }
            step
        },
        |step| step["status"] == "complete",
    )
    .await;
    poll_until(
        "the complete report",
        Duration::from_secs(30),
        async || api.report(token, id).await.json::<Value>().await.unwrap(),
        |report| report["complete"] == true,
    )
    .await
}

/// The personal questions once written.
async fn personal_questions(api: &Api, token: &str, id: &str) -> Vec<String> {
    let interview = poll_until(
        "personal questions",
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
    assert_eq!(interview["personal_status"], "ready");
    interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "personal")
        .map(|q| q["text"].as_str().unwrap().to_owned())
        .collect()
}

/// The questions that say `phrase`, each checked to name one of `names`.
fn saying<'a>(questions: &'a [String], phrase: &str, names: &[&str]) -> Vec<&'a String> {
    let said: Vec<&String> = questions.iter().filter(|q| q.contains(phrase)).collect();
    for question in &said {
        assert!(
            names.iter().any(|name| question.contains(name)),
            "{question} names none of {names:?}"
        );
    }
    said
}

async fn aimed_interview(family: Family, lang: &str, cv_text: &str, posting: &str) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user(&format!("aimed{lang}")).await.token;
    let cv = api.text_cv_id(&token, cv_text).await;
    let job = saved_job(&api, &token, "Backend Engineer, Payments", posting).await;
    let created = api
        .create_interview(&token, &json!({"cv_id": cv, "job_id": job["id"], "position": "be", "lang": lang, "technical": 3, "behavioral": 1, "personal": 5}))
        .await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    let id = interview["id"].as_str().unwrap().to_owned();
    // Deleting the posting now changes nothing for the interview: it copied what it needs.
    assert_eq!(
        api.delete_job(&token, job["id"].as_str().unwrap())
            .await
            .status(),
        204
    );

    // What the CV shows: Kubernetes and React, and the years (2016 to now); not the rest.
    let shown: Vec<(&str, bool)> = interview["job"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["in_cv"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            ("experience", true),
            ("react", true),
            ("sql", false),
            ("kafka", false),
            ("kubernetes", true),
            ("payments", false)
        ]
    );
    // The posting names SQL: two of the three technical questions are on databases (the
    // test bank has two per topic).
    let databases = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "technical" && q["topic"] == "databases")
        .count();
    assert_eq!(databases, 2);

    let questions = personal_questions(&api, &token, &id).await;
    assert_eq!(questions.len(), 5);
    let (gaps, matches): (&[&str], &[&str]) = match lang {
        "en" => (
            &["SQL databases", "Kafka", "payments and fintech"],
            &["5+ years of experience", "React", "Kubernetes"],
        ),
        _ => (
            &["관계형 데이터베이스", "Kafka", "결제와 핀테크"],
            &["경력 5년 이상", "React", "쿠버네티스"],
        ),
    };
    let (not_shown, shown) = match lang {
        "en" => ("does not show", "your CV shows it"),
        _ => ("드러나지 않습니다", "이력서에 관련 경험이 있습니다"),
    };
    assert_eq!(
        saying(&questions, not_shown, gaps).len(),
        2,
        "{questions:#?}"
    );
    assert_eq!(
        saying(&questions, shown, matches).len(),
        2,
        "{questions:#?}"
    );

    let report = answer_everything(&api, &token, &id).await;
    let fit = &report["fit"];
    assert_eq!(fit["title"], "Backend Engineer, Payments");
    let kafka = fit["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "kafka")
        .unwrap();
    assert_eq!(kafka["in_cv"], false);
    assert_eq!(kafka["question_ids"].as_array().unwrap().len(), 1);
    assert!(kafka["score"].as_f64().is_some());
    assert_ne!(kafka["shown"], "not_asked");
    let sql = fit["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "sql")
        .unwrap();
    // The gap question about SQL and the two database questions.
    assert_eq!(sql["question_ids"].as_array().unwrap().len(), 3);
    let markdown = api.report_markdown(&token, &id).await.text().await.unwrap();
    let heading = match lang {
        "en" => "## Fit with the job: Backend Engineer, Payments",
        _ => "## 직무 적합도: Backend Engineer, Payments",
    };
    assert!(markdown.contains(heading), "{markdown}");
}

async fn an_interview_aimed_at_a_job_asks_about_its_gaps_and_matches_in_english(family: Family) {
    aimed_interview(family, "en", CV_EN, POSTING_EN).await;
}

async fn an_interview_aimed_at_a_job_asks_about_its_gaps_and_matches_in_korean(family: Family) {
    aimed_interview(family, "ko", CV_KO, POSTING_KO).await;
}

async fn a_job_the_cv_does_not_match_still_gives_a_whole_interview(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("mismatch").await.token;
    let cv = api.text_cv_id(&token,
        "Embedded firmware engineer. Wrote C for microcontrollers at Bosch GmbH.\n- Cut boot time by 30% on a sensor board",
    )
    .await;
    let job = saved_job(
        &api,
        &token,
        "Frontend Engineer",
        "TypeScript, React and CSS; accessibility matters.",
    )
    .await;
    let created = api
        .create_interview(&token, &json!({"cv_id": cv, "job_id": job["id"], "position": "be", "lang": "en", "technical": 2, "behavioral": 0, "personal": 4}))
        .await;
    assert_eq!(created.status(), 201);
    let interview: Value = created.json().await.unwrap();
    let id = interview["id"].as_str().unwrap();
    // Nothing matches and the posting names no back-end topic: the usual spread.
    let topics: Vec<&str> = interview["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["topic"].as_str())
        .collect();
    assert_eq!(topics.len(), 2);
    assert_ne!(topics[0], topics[1], "{topics:?}");
    let questions = personal_questions(&api, &token, id).await;
    assert_eq!(questions.len(), 4);
    let gaps = saying(
        &questions,
        "which your CV does not show",
        &["TypeScript", "React", "CSS", "accessibility"],
    );
    assert_eq!(gaps.len(), 2, "{questions:#?}");
    // The rest are about the CV, as without a posting.
    assert!(
        questions[2..]
            .iter()
            .all(|q| q.contains("your CV") && !q.contains("role asks for")),
        "{questions:#?}"
    );
    let report = answer_everything(&api, &token, id).await;
    let not_asked = report["fit"]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["shown"] == "not_asked")
        .count();
    assert_eq!(not_asked, 2, "two of four requirements had no question");
}

async fn the_job_must_be_yours(family: Family) {
    let api = Api::start(family, &[]).await;
    api.load_bank(&test_bank()).await;
    let token = api.user("owner").await.token;
    let other = api.user("intruder").await.token;
    let job = saved_job(&api, &token, "Mine", "Kafka.").await;
    let cv = api.text_cv_id(&other, CV_EN).await;
    for job_id in [
        job["id"].clone(),
        json!("0196f1c3b1c27e3f8d4b6c7e8f9a0b1d"),
        json!("../x"),
    ] {
        let refused = api
            .create_interview(
                &other,
                &json!({"cv_id": cv, "job_id": job_id, "position": "be", "lang": "en"}),
            )
            .await;
        assert_eq!(refused.status(), 409);
        assert_eq!(problem(refused).await["code"], "job_not_found");
    }
    let refused = api
        .create_interview(
            &other,
            &json!({"cv_id": cv, "job_id": 7, "position": "be", "lang": "en"}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(problem(refused).await["errors"][0]["field"], "job_id");
    let history: Value = api.history(&other).await.json().await.unwrap();
    assert_eq!(history["items"], json!([]), "no quota unit was taken");
}

/// Everything logged in this process, at every level.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogSink(Arc::clone(&sink)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber per process");
        logs
    })
    .clone()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_postings_text_never_reaches_the_logs() {
    let logs = captured_logs();
    let api = Api::start(crate::common::embedded().await, &[]).await;
    api.load_bank(&test_bank()).await;
    api.start_worker();
    let token = api.user("secretive").await.token;
    let cv = api.text_cv_id(&token, CV_EN).await;
    let marker = "Zanzibar-quokka-ledger";
    let job = saved_job(&api, &token, "Payments", &format!("{POSTING_EN}\n{marker}")).await;
    let created = api
        .create_interview(&token, &json!({"cv_id": cv, "job_id": job["id"], "position": "be", "lang": "en", "technical": 1, "behavioral": 0, "personal": 3}))
        .await;
    let interview: Value = created.json().await.unwrap();
    let id = interview["id"].as_str().unwrap();
    personal_questions(&api, &token, id).await;
    // A bad posting's text is not logged either.
    api.create_job(&token, &json!({"title": "\u{7}", "text": marker}))
        .await;
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(logs.contains("/jobs"), "the requests were logged");
    assert!(!logs.contains(marker), "the posting's text was logged");
}
