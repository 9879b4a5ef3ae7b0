//! The test app: the service's routes served over real HTTP on a free loopback port, with a
//! method per endpoint, a test user, and one polling helper; and the two adapter families every
//! case runs on.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use cyi_shared::Services;
use cyi_shared::domain::bank::Bank;
use cyi_shared::testing::{self, FAST_QUEUE, Family};
use reqwest::{Method, RequestBuilder, Response, Url};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct horse battery";

/// The running app and a client for it.
pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
    /// The app's adapters when it runs in this process; `None` for a host in another one.
    pub family: Option<Family>,
}

/// A signed-up, logged-in user.
pub struct TestUser {
    pub id: String,
    pub token: String,
}

impl Api {
    /// The one way the tests start the app: `cyi_infra::app` with the family's services (and
    /// its upload route, for the embedded family), allowing `cors` origins.
    pub async fn start(family: Family, cors: &[&str]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let cors: Vec<String> = cors.iter().map(|o| (*o).to_owned()).collect();
        let mut app = cyi_infra::app(family.services.clone(), None, &cors);
        if let Some(upload) = &family.upload_router {
            app = app.merge(upload.clone());
        }
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            family: Some(family),
            ..Self::remote(base)
        }
    }

    /// A client for a host running in another process at `base`.
    pub fn remote(base: String) -> Self {
        Self {
            base,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            family: None,
        }
    }

    pub fn services(&self) -> &Services {
        &self
            .family
            .as_ref()
            .expect("the app runs in this process")
            .services
    }

    /// Runs the worker on the app's services, draining its queue.
    pub fn start_worker(&self) {
        let services = self.services().clone();
        tokio::spawn(cyi_worker::consume(
            services.clone(),
            Arc::clone(&services.queue),
        ));
    }

    /// Stores a question bank for the app to ask from.
    pub async fn load_bank(&self, bank: &Bank) {
        cyi_shared::storage::bank::load(self.services().store.as_ref(), bank)
            .await
            .unwrap();
    }

    /// The escape hatch, for requests a client should not send: odd methods, raw headers,
    /// malformed bodies, no token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    // Accounts and tokens.

    pub async fn sign_up(&self, account: &Value) -> Response {
        send(self.request(Method::POST, "/auth/signup").json(account)).await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Response {
        let body = json!({ "username": username, "password": password });
        send(self.request(Method::POST, "/auth/login").json(&body)).await
    }

    /// Logs in with the OAuth2 password form.
    pub async fn log_in_form(&self, fields: &[(&str, &str)]) -> Response {
        send(self.request(Method::POST, "/auth/login").form(fields)).await
    }

    pub async fn me(&self, token: &str) -> Response {
        send(self.authed(Method::GET, "/auth/me", token)).await
    }

    pub async fn log_out(&self, token: &str) -> Response {
        send(self.authed(Method::POST, "/auth/logout", token)).await
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Response {
        let body = json!({ "current_password": current, "new_password": new });
        send(
            self.authed(Method::PUT, "/auth/password", token)
                .json(&body),
        )
        .await
    }

    pub async fn delete_account(&self, token: &str, password: &str) -> Response {
        let body = json!({ "password": password });
        send(self.authed(Method::DELETE, "/auth/me", token).json(&body)).await
    }

    /// Signs up `username` (see [`account`]) and logs in.
    pub async fn user(&self, username: &str) -> TestUser {
        let created = self.sign_up(&account(username)).await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        TestUser {
            id,
            token: self.token(username, PASSWORD).await,
        }
    }

    /// A fresh token of an existing user.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.log_in(username, password).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    // CVs.

    pub async fn create_text_cv(&self, token: &str, text: &str, title: Option<&str>) -> Response {
        let mut body = json!({ "text": text });
        if let Some(title) = title {
            body["title"] = title.into();
        }
        send(self.authed(Method::POST, "/cvs", token).json(&body)).await
    }

    /// Posts a PDF (or whatever `bytes` are) as the body.
    pub async fn upload_pdf(&self, token: &str, title: Option<&str>, bytes: Vec<u8>) -> Response {
        let mut url = Url::parse(&format!("{}/cvs", self.base)).unwrap();
        if let Some(title) = title {
            url.query_pairs_mut().append_pair("title", title);
        }
        let request = self
            .client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/pdf")
            .body(bytes);
        send(request).await
    }

    pub async fn start_upload(
        &self,
        token: &str,
        content_length: usize,
        title: Option<&str>,
    ) -> Response {
        let mut body = json!({ "content_length": content_length });
        if let Some(title) = title {
            body["title"] = title.into();
        }
        send(self.authed(Method::POST, "/cvs/uploads", token).json(&body)).await
    }

    /// Sends `bytes` to an upload ticket's presigned URL with the headers it names.
    pub async fn put_presigned(&self, ticket: &Value, bytes: Vec<u8>) -> Response {
        let mut request = self
            .client
            .put(ticket["upload_url"].as_str().unwrap())
            .body(bytes);
        for (name, value) in ticket["headers"].as_object().unwrap() {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        send(request).await
    }

    pub async fn complete_upload(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::POST, &format!("/cvs/{id}/complete"), token)).await
    }

    /// The id of a new text CV (ready at once).
    pub async fn text_cv_id(&self, token: &str, text: &str) -> String {
        let created = self.create_text_cv(token, text, Some("CV")).await;
        assert_eq!(created.status(), 201);
        let cv: Value = created.json().await.unwrap();
        cv["id"].as_str().unwrap().to_owned()
    }

    pub async fn cvs(&self, token: &str) -> Response {
        send(self.authed(Method::GET, "/cvs", token)).await
    }

    pub async fn cv(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::GET, &format!("/cvs/{id}"), token)).await
    }

    pub async fn delete_cv(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::DELETE, &format!("/cvs/{id}"), token)).await
    }

    // Job postings.

    pub async fn create_job(&self, token: &str, body: &Value) -> Response {
        send(self.authed(Method::POST, "/jobs", token).json(body)).await
    }

    pub async fn jobs(&self, token: &str) -> Response {
        send(self.authed(Method::GET, "/jobs", token)).await
    }

    pub async fn job(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::GET, &format!("/jobs/{id}"), token)).await
    }

    pub async fn delete_job(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::DELETE, &format!("/jobs/{id}"), token)).await
    }

    // Interviews and reports.

    pub async fn create_interview(&self, token: &str, body: &Value) -> Response {
        send(self.authed(Method::POST, "/interviews", token).json(body)).await
    }

    pub async fn interview(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::GET, &format!("/interviews/{id}"), token)).await
    }

    pub async fn next(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::GET, &format!("/interviews/{id}/next"), token)).await
    }

    pub async fn answer(&self, token: &str, id: &str, question: &str, text: &str) -> Response {
        let path = format!("/interviews/{id}/answers/{question}");
        let body = json!({ "answer": text });
        send(self.authed(Method::PUT, &path, token).json(&body)).await
    }

    pub async fn history(&self, token: &str) -> Response {
        send(self.authed(Method::GET, "/interviews", token)).await
    }

    pub async fn report(&self, token: &str, id: &str) -> Response {
        send(self.authed(Method::GET, &format!("/interviews/{id}/report"), token)).await
    }

    pub async fn report_markdown(&self, token: &str, id: &str) -> Response {
        let request = self
            .authed(Method::GET, &format!("/interviews/{id}/report"), token)
            .header("accept", "text/markdown");
        send(request).await
    }

    // The bank, for practice.

    /// `GET /questions?{query}`, the query as written (it may be deliberately malformed).
    pub async fn questions(&self, token: &str, query: &str) -> Response {
        let path = if query.is_empty() {
            "/questions".to_owned()
        } else {
            format!("/questions?{query}")
        };
        send(self.authed(Method::GET, &path, token)).await
    }

    pub async fn question(&self, token: &str, id: &str, lang: Option<&str>) -> Response {
        let path = match lang {
            Some(lang) => format!("/questions/{id}?lang={lang}"),
            None => format!("/questions/{id}"),
        };
        send(self.authed(Method::GET, &path, token)).await
    }

    // The service.

    pub async fn health(&self) -> Response {
        send(self.request(Method::GET, "/health")).await
    }

    pub async fn openapi(&self) -> Response {
        send(self.request(Method::GET, "/openapi.json")).await
    }
}

/// A `cyi-local` process on a data folder, its output in a log file there, and a client for
/// it; killed when dropped.
pub struct LocalHost {
    pub child: tokio::process::Child,
    pub api: Arc<Api>,
}

impl LocalHost {
    /// Starts the host on `port` with `flags`, logging at `rust_log` into `log` in the data
    /// folder, and waits until it answers.
    pub async fn start(
        data_dir: &std::path::Path,
        port: u16,
        flags: &[&str],
        log: &str,
        rust_log: &str,
    ) -> Self {
        let log = std::fs::File::create(data_dir.join(log)).unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cyi-local"))
            .args(["--port", &port.to_string()])
            .args(flags)
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", rust_log)
            .stdout(std::process::Stdio::from(log.try_clone().unwrap()))
            .stderr(std::process::Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let api = Arc::new(Api::remote(format!("http://127.0.0.1:{port}")));
        poll_until(
            "the local host to answer",
            Duration::from_secs(60),
            async || {
                api.request(Method::GET, "/health")
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            },
            |up| *up,
        )
        .await;
        Self { child, api }
    }
}

/// A port free on loopback now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn send(request: RequestBuilder) -> Response {
    request.send().await.unwrap()
}

/// The sign-up body of `username`: a fixed name, `{username}@example.com`, [`PASSWORD`].
pub fn account(username: &str) -> Value {
    json!({
        "username": username,
        "name": "Test User",
        "email": format!("{username}@example.com"),
        "password": PASSWORD,
    })
}

/// The one polling helper: calls `probe` every 100 ms until what it returns is `done`, and
/// returns that; panics with what it waited for and the last value seen if `timeout` passes
/// first.
pub async fn poll_until<T: Debug>(
    what: &str,
    timeout: Duration,
    mut probe: impl AsyncFnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let value = probe().await;
        if done(&value) {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("still waiting for {what} after {timeout:?}; last seen: {value:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A small bank from the real one: four technical questions of each position (two of each of
/// its first two topics), every competency and two behavioral questions of each.
pub fn test_bank() -> Bank {
    use cyi_shared::domain::{COMPETENCIES, Position};
    let full = Bank::read_dir(&cyi_infra::default_bank_dir()).unwrap();
    let mut bank = Bank {
        competencies: full.competencies.clone(),
        ..Bank::default()
    };
    for position in Position::ALL {
        for topic in &position.topics()[..2] {
            let of_topic = full
                .technical
                .iter()
                .filter(|q| q.position == position && q.topic == *topic);
            bank.technical.extend(of_topic.take(2).cloned());
        }
    }
    for competency in COMPETENCIES {
        let of_competency = full
            .behavioral
            .iter()
            .filter(|q| q.competency == competency);
        bank.behavioral.extend(of_competency.take(2).cloned());
    }
    bank
}

/// A CV file from the fixtures in `shared/fixtures/cv` beside the repository.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cv")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A small Word .docx CV: a heading, a paragraph, a table and a header.
pub fn docx() -> Vec<u8> {
    use std::io::Write;
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{}{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl></w:body></w:document>"#,
        p("김민준 백엔드 개발자"),
        p("Built the payments API at Acme Cloud with Kotlin and Spring."),
        p("기술"),
        p("쿠버네티스, 카프카, PostgreSQL"),
    );
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr {w}>{}</w:hdr>"#,
        p("minjun@example.com")
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", "<Types/>".to_owned()),
        ("word/document.xml", body),
        ("word/header1.xml", header),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

pub async fn embedded() -> Family {
    testing::embedded(FAST_QUEUE).await
}

pub async fn aws() -> Family {
    testing::aws(FAST_QUEUE).await
}

/// The problem document of a response, checking its content type.
pub async fn problem(response: Response) -> Value {
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.unwrap()
}

/// Declares one test per family for each case: `api_cases!(case_a, case_b)`; each case is an
/// `async fn(Family)` that starts what it needs.
macro_rules! api_cases {
    ($($case:ident),+ $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case($crate::common::embedded().await).await;
                }
            )+
        }
        mod aws {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case($crate::common::aws().await).await;
                }
            )+
        }
    };
}
