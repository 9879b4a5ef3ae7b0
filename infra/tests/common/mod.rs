//! The API as a client meets it, on both adapter families: the service's routes served over
//! real HTTP on a free loopback port.
#![allow(dead_code)]

use std::time::Duration;

use cyi_shared::Services;
use cyi_shared::testing::{self, FAST_QUEUE, Family};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
    pub family: Family,
}

impl Api {
    /// Serves the routes with the family's services, after `adjust` (to swap the clock).
    pub async fn start(family: Family) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut routes = cyi_infra::routes(family.services.clone());
        if let Some(upload) = &family.upload_router {
            routes = routes.merge(upload.clone());
        }
        let app = cyi_shared::http::finish(routes, &[]);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            family,
        }
    }

    pub fn services(&self) -> &Services {
        &self.family.services
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    pub async fn sign_up(&self, username: &str) -> Response {
        self.request(Method::POST, "/auth/signup")
            .json(&json!({
                "username": username,
                "name": "Test User",
                "email": format!("{username}@example.com"),
                "password": PASSWORD,
            }))
            .send()
            .await
            .unwrap()
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Response {
        self.request(Method::POST, "/auth/login")
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap()
    }

    /// Signs up a user and returns the user's id and a token.
    pub async fn user(&self, username: &str) -> (String, String) {
        let created = self.sign_up(username).await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        (id, self.token(username, PASSWORD).await)
    }

    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.log_in(username, password).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn me(&self, token: &str) -> Response {
        self.request(Method::GET, "/auth/me")
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

/// A small bank from the real one: four technical questions of each position (two of each of
/// its first two topics), every competency and two behavioral questions of each.
pub fn test_bank() -> cyi_shared::domain::bank::Bank {
    use cyi_shared::domain::bank::Bank;
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

pub const PASSWORD: &str = "correct horse battery";

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
#[macro_export]
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
