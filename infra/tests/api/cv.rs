//! CV upload and extraction through the HTTP API and the worker, on both adapter families.

use std::path::PathBuf;
use std::time::Duration;

use crate::common::{Api, TestUser, poll_until, problem};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::storage::layout::cv_blob_key as blob_key;
use cyi_shared::storage::layout::user_partition;
use cyi_shared::testing::Family;
use reqwest::Method;
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

/// How long a CV may stay `processing`.
const EXTRACTION: Duration = Duration::from_secs(30);

async fn a_text_cv_is_ready_at_once(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("texter").await.token;
    let created = api
        .create_text_cv(
            &token,
            "  Jane   Doe\n\n\n Rust engineer at Acme  ",
            Some("Plain"),
        )
        .await;
    assert_eq!(created.status(), 201);
    let cv: Value = created.json().await.unwrap();
    assert_eq!(cv["status"], "ready");
    assert_eq!(cv["source"], "text");
    let shown: Value = api
        .cv(&token, cv["id"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["text"], "Jane Doe\n\nRust engineer at Acme");
    assert_eq!(shown["title"], "Plain");

    let second = api.create_text_cv(&token, "Second CV", None).await;
    let second: Value = second.json().await.unwrap();
    let list: Value = api.cvs(&token).await.json().await.unwrap();
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
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("pdfer").await.token;
    let created = api
        .upload_pdf(&token, Some("My CV"), fixture("awesome-cv-resume.pdf"))
        .await;
    assert_eq!(created.status(), 202);
    let cv: Value = created.json().await.unwrap();
    assert_eq!(cv["status"], "processing");
    assert_eq!(cv["title"], "My CV");
    let done = poll_until(
        "the CV to leave processing",
        EXTRACTION,
        async || {
            api.cv(&token, cv["id"].as_str().unwrap())
                .await
                .json::<Value>()
                .await
                .unwrap()
        },
        |cv| cv["status"] != "processing",
    )
    .await;
    assert_eq!(done["status"], "ready", "{done}");
    let text = done["text"].as_str().unwrap();
    assert!(text.contains("DevOps Engineer") && text.contains("Terraform"));
    assert!(done["text_chars"].as_u64().unwrap() > 1000);
}

async fn hostile_pdfs_fail_visibly_and_the_worker_goes_on(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("hostile").await.token;
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
        let cv: Value = api
            .upload_pdf(&token, Some("My CV"), bytes)
            .await
            .json()
            .await
            .unwrap();
        expected.push((cv["id"].as_str().unwrap().to_owned(), reason));
    }
    let good: Value = api
        .upload_pdf(&token, Some("My CV"), resume)
        .await
        .json()
        .await
        .unwrap();
    for (id, reason) in expected {
        let cv = poll_until(
            "the CV to leave processing",
            EXTRACTION,
            async || api.cv(&token, &id).await.json::<Value>().await.unwrap(),
            |cv| cv["status"] != "processing",
        )
        .await;
        assert_eq!(cv["status"], "failed");
        assert_eq!(cv["failure_reason"], reason);
        assert!(cv.get("text").is_none());
    }
    let good = poll_until(
        "the CV to leave processing",
        EXTRACTION,
        async || {
            api.cv(&token, good["id"].as_str().unwrap())
                .await
                .json::<Value>()
                .await
                .unwrap()
        },
        |cv| cv["status"] != "processing",
    )
    .await;
    assert_eq!(good["status"], "ready");
}

async fn the_presigned_upload_flow(family: Family) {
    let embedded = family.upload_router.is_some();
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("presigner").await.token;
    let pdf = fixture("awesome-cv-resume.pdf");
    let ticket = api.start_upload(&token, pdf.len(), Some("Uploaded")).await;
    assert_eq!(ticket.status(), 201);
    let ticket: Value = ticket.json().await.unwrap();
    assert_eq!(ticket["status"], "uploading");
    let id = ticket["id"].as_str().unwrap();

    let early = api.complete_upload(&token, id).await;
    assert_eq!(problem(early).await["code"], "upload_missing");

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
    assert!(api.put_presigned(&ticket, pdf).await.status().is_success());
    let completed = api.complete_upload(&token, id).await;
    assert_eq!(completed.status(), 202);
    let done = poll_until(
        "the CV to leave processing",
        EXTRACTION,
        async || api.cv(&token, id).await.json::<Value>().await.unwrap(),
        |cv| cv["status"] != "processing",
    )
    .await;
    assert_eq!(done["status"], "ready");
    assert_eq!(done["title"], "Uploaded");

    // A presigned upload of something that is not a PDF fails on completion.
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let ticket: Value = api
        .start_upload(&token, png.len(), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(api.put_presigned(&ticket, png).await.status().is_success());
    let id = ticket["id"].as_str().unwrap();
    let refused = api.complete_upload(&token, id).await;
    assert_eq!(refused.status(), 415);
    let cv: Value = api.cv(&token, id).await.json().await.unwrap();
    assert_eq!(
        (cv["status"].as_str(), cv["failure_reason"].as_str()),
        (Some("failed"), Some("not_a_pdf"))
    );
}

async fn limits_and_types_are_enforced_and_change_nothing(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let TestUser { id, token } = api.user("limited").await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    assert_eq!(
        api.upload_pdf(&token, Some("My CV"), big).await.status(),
        413
    );
    let png = api
        .upload_pdf(&token, Some("My CV"), b"\x89PNG\r\n\x1a\nrest".to_vec())
        .await;
    assert_eq!(png.status(), 415);
    assert_eq!(problem(png).await["code"], "unsupported_media_type");
    assert_eq!(
        api.create_text_cv(&token, &"x".repeat(50_001), None)
            .await
            .status(),
        422,
        "a field over its limit names the field; 413 is for bodies"
    );
    let empty = problem(api.create_text_cv(&token, "   ", None).await).await;
    assert_eq!(empty["errors"][0]["field"], "text");
    let untitled = problem(
        api.create_text_cv(&token, "ok", Some(&"t".repeat(201)))
            .await,
    )
    .await;
    assert_eq!(untitled["errors"][0]["field"], "title");
    let too_big = api.start_upload(&token, 6 * 1024 * 1024, None).await;
    assert_eq!(too_big.status(), 422);
    assert_eq!(
        problem(too_big).await["errors"][0]["field"],
        "content_length"
    );
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
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("collector").await.token;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let cv: Value = api
            .create_text_cv(&token, "A CV", None)
            .await
            .json()
            .await
            .unwrap();
        ids.push(cv["id"].as_str().unwrap().to_owned());
    }
    let refused = api.create_text_cv(&token, "A CV", None).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(problem(refused).await["code"], "cv_limit_reached");
    let deleted = api.delete_cv(&token, &ids[0]).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(api.create_text_cv(&token, "A CV", None).await.status(), 201);
}

async fn another_users_cv_is_not_found(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let owner = api.user("owner").await.token;
    let intruder = api.user("intruder").await.token;
    let cv: Value = api
        .create_text_cv(&owner, "Private CV", None)
        .await
        .json()
        .await
        .unwrap();
    let id = cv["id"].as_str().unwrap();
    for (method, path, response) in [
        (
            Method::GET,
            format!("/cvs/{id}"),
            api.cv(&intruder, id).await,
        ),
        (
            Method::DELETE,
            format!("/cvs/{id}"),
            api.delete_cv(&intruder, id).await,
        ),
        (
            Method::POST,
            format!("/cvs/{id}/complete"),
            api.complete_upload(&intruder, id).await,
        ),
        (
            Method::GET,
            "/cvs/not-an-id".to_owned(),
            api.cv(&intruder, "not-an-id").await,
        ),
    ] {
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    let list: Value = api.cvs(&intruder).await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    assert_eq!(api.cv(&owner, id).await.status(), 200);
}

async fn deleting_a_cv_removes_its_file_and_items(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let TestUser { id: user_id, token } = api.user("deleter").await;
    let cv: Value = api
        .upload_pdf(&token, Some("My CV"), fixture("awesome-cv-resume.pdf"))
        .await
        .json()
        .await
        .unwrap();
    let id = cv["id"].as_str().unwrap();
    poll_until(
        "the CV to leave processing",
        EXTRACTION,
        async || api.cv(&token, id).await.json::<Value>().await.unwrap(),
        |cv| cv["status"] != "processing",
    )
    .await;
    let key = blob_key(&user_id, id);
    assert!(api.services().blobs.get(&key).await.unwrap().is_some());
    let deleted = api.delete_cv(&token, id).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(api.services().blobs.get(&key).await.unwrap(), None);
    assert_eq!(api.cv(&token, id).await.status(), 404);
    let items = query_all(
        api.services().store.as_ref(),
        &user_partition(&user_id),
        "CV",
    )
    .await
    .unwrap();
    assert!(items.is_empty(), "{items:?}");
}
