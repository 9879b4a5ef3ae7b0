//! CV upload and extraction through the HTTP API and the worker, on both adapter families.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::{Api, problem};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::storage::layout::cv_blob_key as blob_key;
use cyi_shared::storage::layout::user_partition;
use cyi_shared::testing::Family;
use reqwest::{Method, Response};
use serde_json::{Value, json};

api_cases!(
    a_text_cv_is_ready_at_once,
    a_pdf_is_extracted_by_the_worker,
    hostile_pdfs_fail_visibly_and_the_worker_goes_on,
    the_presigned_upload_flow,
    limits_and_types_are_enforced_and_change_nothing,
    twenty_cvs_at_most,
    another_users_cv_is_not_found,
    deleting_a_cv_removes_its_file_and_items,
);

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/cv")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Starts the API with the worker draining the family's queue.
async fn start(family: Family) -> Api {
    let services = family.services.clone();
    tokio::spawn(cyi_worker::consume(
        services.clone(),
        Arc::clone(&services.queue),
    ));
    Api::start(family).await
}

async fn post_pdf(api: &Api, token: &str, bytes: Vec<u8>) -> Response {
    api.request(Method::POST, "/cvs?title=My%20CV")
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn get_cv(api: &Api, token: &str, id: &str) -> Response {
    api.request(Method::GET, &format!("/cvs/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Polls until the CV leaves `processing`.
async fn settled(api: &Api, token: &str, id: &str) -> Value {
    for _ in 0..150 {
        let cv: Value = get_cv(api, token, id).await.json().await.unwrap();
        if cv["status"] != "processing" {
            return cv;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("CV {id} still processing");
}

async fn a_text_cv_is_ready_at_once(family: Family) {
    let api = start(family).await;
    let (_, token) = api.user("texter").await;
    let created = api
        .request(Method::POST, "/cvs")
        .bearer_auth(&token)
        .json(&json!({"text": "  Jane   Doe\n\n\n Rust engineer at Acme  ", "title": "Plain"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let cv: Value = created.json().await.unwrap();
    assert_eq!(cv["status"], "ready");
    assert_eq!(cv["source"], "text");
    let shown: Value = get_cv(&api, &token, cv["id"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["text"], "Jane Doe\n\nRust engineer at Acme");
    assert_eq!(shown["title"], "Plain");

    let second = api
        .request(Method::POST, "/cvs")
        .bearer_auth(&token)
        .json(&json!({"text": "Second CV"}))
        .send()
        .await
        .unwrap();
    let second: Value = second.json().await.unwrap();
    let list: Value = api
        .request(Method::GET, "/cvs")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &cv["id"]], "newest first");
    assert!(
        list["items"][0].get("text").is_none(),
        "lists carry no text"
    );
}

async fn a_pdf_is_extracted_by_the_worker(family: Family) {
    let api = start(family).await;
    let (_, token) = api.user("pdfer").await;
    let created = post_pdf(&api, &token, fixture("awesome-cv-resume.pdf")).await;
    assert_eq!(created.status(), 202);
    let cv: Value = created.json().await.unwrap();
    assert_eq!(cv["status"], "processing");
    assert_eq!(cv["title"], "My CV");
    let done = settled(&api, &token, cv["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "ready", "{done}");
    let text = done["text"].as_str().unwrap();
    assert!(text.contains("DevOps Engineer") && text.contains("Terraform"));
    assert!(done["text_chars"].as_u64().unwrap() > 1000);
}

async fn hostile_pdfs_fail_visibly_and_the_worker_goes_on(family: Family) {
    let api = start(family).await;
    let (_, token) = api.user("hostile").await;
    let mut deep = b"%PDF-1.7\n1 0 obj\n<< /X ".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    deep.extend(std::iter::repeat_n(b']', 10_000));
    deep.extend_from_slice(b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let resume = fixture("awesome-cv-resume.pdf");
    let truncated = resume[..resume.len() / 3].to_vec();
    let encrypted = b"%PDF-1.4\ntrailer\n<< /Encrypt 2 0 R /Root 1 0 R >>\n%%EOF\n".to_vec();
    let mut expected = Vec::new();
    for (bytes, reason) in [
        (deep, "malformed"),
        (truncated, "malformed"),
        (encrypted, "encrypted"),
    ] {
        let cv: Value = post_pdf(&api, &token, bytes).await.json().await.unwrap();
        expected.push((cv["id"].as_str().unwrap().to_owned(), reason));
    }
    let good: Value = post_pdf(&api, &token, resume).await.json().await.unwrap();
    for (id, reason) in expected {
        let cv = settled(&api, &token, &id).await;
        assert_eq!(cv["status"], "failed");
        assert_eq!(cv["failure_reason"], reason);
        assert!(cv.get("text").is_none());
    }
    let good = settled(&api, &token, good["id"].as_str().unwrap()).await;
    assert_eq!(good["status"], "ready");
}

async fn the_presigned_upload_flow(family: Family) {
    let embedded = family.upload_router.is_some();
    let api = start(family).await;
    let (_, token) = api.user("presigner").await;
    let pdf = fixture("awesome-cv-resume.pdf");
    let ticket = api
        .request(Method::POST, "/cvs/uploads")
        .bearer_auth(&token)
        .json(&json!({"content_length": pdf.len(), "title": "Uploaded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.status(), 201);
    let ticket: Value = ticket.json().await.unwrap();
    assert_eq!(ticket["status"], "uploading");
    let id = ticket["id"].as_str().unwrap();

    let early = api
        .request(Method::POST, &format!("/cvs/{id}/complete"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(early).await["code"], "upload_missing");

    let put = |body: Vec<u8>| {
        let mut request = api
            .client
            .put(ticket["upload_url"].as_str().unwrap())
            .body(body);
        for (name, value) in ticket["headers"].as_object().unwrap() {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        request.send()
    };
    if embedded {
        // The local blob store checks the signature as S3 does: another length is refused.
        let mut other = pdf.clone();
        other.push(b'\n');
        let mut request = api
            .client
            .put(ticket["upload_url"].as_str().unwrap())
            .body(other);
        request = request.header("content-type", "application/pdf");
        assert_eq!(request.send().await.unwrap().status(), 403);
    }
    assert!(put(pdf).await.unwrap().status().is_success());
    let completed = api
        .request(Method::POST, &format!("/cvs/{id}/complete"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(completed.status(), 202);
    let done = settled(&api, &token, id).await;
    assert_eq!(done["status"], "ready");
    assert_eq!(done["title"], "Uploaded");

    // A presigned upload of something that is not a PDF fails on completion.
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let ticket: Value = api
        .request(Method::POST, "/cvs/uploads")
        .bearer_auth(&token)
        .json(&json!({"content_length": png.len()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut request = api
        .client
        .put(ticket["upload_url"].as_str().unwrap())
        .body(png);
    for (name, value) in ticket["headers"].as_object().unwrap() {
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    assert!(request.send().await.unwrap().status().is_success());
    let id = ticket["id"].as_str().unwrap();
    let refused = api
        .request(Method::POST, &format!("/cvs/{id}/complete"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 415);
    let cv: Value = get_cv(&api, &token, id).await.json().await.unwrap();
    assert_eq!(
        (cv["status"].as_str(), cv["failure_reason"].as_str()),
        (Some("failed"), Some("not_a_pdf"))
    );
}

async fn limits_and_types_are_enforced_and_change_nothing(family: Family) {
    let api = start(family).await;
    let (id, token) = api.user("limited").await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    assert_eq!(post_pdf(&api, &token, big).await.status(), 413);
    let png = post_pdf(&api, &token, b"\x89PNG\r\n\x1a\nrest".to_vec()).await;
    assert_eq!(png.status(), 415);
    assert_eq!(problem(png).await["code"], "unsupported_media_type");
    let text = |body: Value| {
        api.request(Method::POST, "/cvs")
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    assert_eq!(
        text(json!({"text": "x".repeat(50_001)}))
            .await
            .unwrap()
            .status(),
        413
    );
    let empty = problem(text(json!({"text": "   "})).await.unwrap()).await;
    assert_eq!(empty["errors"][0]["field"], "text");
    let untitled = problem(
        text(json!({"text": "ok", "title": "t".repeat(201)}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(untitled["errors"][0]["field"], "title");
    let too_big = api
        .request(Method::POST, "/cvs/uploads")
        .bearer_auth(&token)
        .json(&json!({"content_length": 6 * 1024 * 1024}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    let unauthenticated = api
        .request(Method::POST, "/cvs")
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let items = query_all(api.services().store.as_ref(), &user_partition(&id), "CV")
        .await
        .unwrap();
    assert!(items.is_empty(), "{items:?}");
    let me: Value = api.me(&token).await.json().await.unwrap();
    assert_eq!(me["username"], "limited");
}

async fn twenty_cvs_at_most(family: Family) {
    let api = start(family).await;
    let (_, token) = api.user("collector").await;
    let create = || {
        api.request(Method::POST, "/cvs")
            .bearer_auth(&token)
            .json(&json!({"text": "A CV"}))
            .send()
    };
    let mut ids = Vec::new();
    for _ in 0..20 {
        let cv: Value = create().await.unwrap().json().await.unwrap();
        ids.push(cv["id"].as_str().unwrap().to_owned());
    }
    let refused = create().await.unwrap();
    assert_eq!(refused.status(), 409);
    assert_eq!(problem(refused).await["code"], "cv_limit_reached");
    let deleted = api
        .request(Method::DELETE, &format!("/cvs/{}", ids[0]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(create().await.unwrap().status(), 201);
}

async fn another_users_cv_is_not_found(family: Family) {
    let api = start(family).await;
    let (_, owner) = api.user("owner").await;
    let (_, intruder) = api.user("intruder").await;
    let cv: Value = api
        .request(Method::POST, "/cvs")
        .bearer_auth(&owner)
        .json(&json!({"text": "Private CV"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = cv["id"].as_str().unwrap();
    for (method, path) in [
        (Method::GET, format!("/cvs/{id}")),
        (Method::DELETE, format!("/cvs/{id}")),
        (Method::POST, format!("/cvs/{id}/complete")),
        (Method::GET, "/cvs/not-an-id".to_owned()),
    ] {
        let response = api
            .request(method.clone(), &path)
            .bearer_auth(&intruder)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    let list: Value = api
        .request(Method::GET, "/cvs")
        .bearer_auth(&intruder)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    assert_eq!(get_cv(&api, &owner, id).await.status(), 200);
}

async fn deleting_a_cv_removes_its_file_and_items(family: Family) {
    let api = start(family).await;
    let (user_id, token) = api.user("deleter").await;
    let cv: Value = post_pdf(&api, &token, fixture("awesome-cv-resume.pdf"))
        .await
        .json()
        .await
        .unwrap();
    let id = cv["id"].as_str().unwrap();
    settled(&api, &token, id).await;
    let key = blob_key(&user_id, id);
    assert!(api.services().blobs.get(&key).await.unwrap().is_some());
    let deleted = api
        .request(Method::DELETE, &format!("/cvs/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(api.services().blobs.get(&key).await.unwrap(), None);
    assert_eq!(get_cv(&api, &token, id).await.status(), 404);
    let items = query_all(
        api.services().store.as_ref(),
        &user_partition(&user_id),
        "CV",
    )
    .await
    .unwrap();
    assert!(items.is_empty(), "{items:?}");
}
