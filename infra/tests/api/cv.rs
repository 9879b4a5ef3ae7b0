//! CV upload and extraction through the HTTP API and the worker, on both adapter families.

use std::time::Duration;

use crate::common::{Api, TestUser, docx, fixture, poll_until, problem};
use cyi_shared::domain::cv::{ABANDONED_UPLOAD_GRACE_SECONDS, UPLOAD_URL_SECONDS};
use cyi_shared::ports::item_store::query_all;
use cyi_shared::storage::layout::cv_blob_key as blob_key;
use cyi_shared::storage::layout::user_partition;
use cyi_shared::testing::{Family, ManualClock};
use reqwest::Method;
use serde_json::{Value, json};

api_cases!(
    a_text_cv_is_ready_at_once,
    a_pdf_is_extracted_by_the_worker,
    hostile_pdfs_fail_visibly_and_the_worker_goes_on,
    the_presigned_upload_flow,
    a_docx_is_accepted_directly_and_presigned,
    a_ready_cvs_text_can_be_corrected_by_its_owner,
    limits_and_types_are_enforced_and_change_nothing,
    twenty_cvs_at_most,
    an_abandoned_upload_frees_its_slot_and_file_after_it_expires,
    another_users_cv_is_not_found,
    deleting_a_cv_removes_its_file_and_items,
);

/// The CV once it has left `processing`.
async fn settled(api: &Api, token: &str, id: &str) -> Value {
    poll_until(
        "the CV to leave processing",
        EXTRACTION,
        async || api.cv(token, id).await.json::<Value>().await.unwrap(),
        |cv| cv["status"] != "processing",
    )
    .await
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
    let done = settled(&api, &token, cv["id"].as_str().unwrap()).await;
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
    let done = settled(&api, &token, id).await;
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

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A small Word document: a paragraph, a table and a header, in Korean and English.
async fn a_docx_is_accepted_directly_and_presigned(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let token = api.user("worder").await.token;
    let direct = api
        .client
        .post(format!("{}/cvs", api.base))
        .bearer_auth(&token)
        .header("content-type", DOCX)
        .body(docx())
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 202);
    let direct: Value = direct.json().await.unwrap();
    assert_eq!(direct["source"], "docx");

    let file = docx();
    let ticket = api
        .authed(Method::POST, "/cvs/uploads", &token)
        .json(&json!({"content_length": file.len(), "content_type": DOCX}))
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.status(), 201);
    let ticket: Value = ticket.json().await.unwrap();
    assert_eq!(ticket["headers"]["content-type"], DOCX);
    assert!(api.put_presigned(&ticket, file).await.status().is_success());
    let presigned = ticket["id"].as_str().unwrap();
    assert_eq!(api.complete_upload(&token, presigned).await.status(), 202);

    for id in [direct["id"].as_str().unwrap(), presigned] {
        let done = settled(&api, &token, id).await;
        assert_eq!(done["status"], "ready", "{}", done["failure_reason"]);
        assert_eq!(done["source"], "docx");
        let text = done["text"].as_str().unwrap();
        for words in [
            "minjun@example.com",
            "김민준 백엔드 개발자",
            "payments API",
            "쿠버네티스, 카프카",
        ] {
            assert!(text.contains(words), "`{words}` missing");
        }
    }

    // Legacy .doc (an OLE compound file) is refused, naming what is accepted.
    let doc = api
        .upload_pdf(
            &token,
            None,
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".to_vec(),
        )
        .await;
    assert_eq!(doc.status(), 415);
    let detail = problem(doc).await["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("PDF") && detail.contains(".docx") && detail.contains("text"),
        "{detail}"
    );
    // A presigned upload announced as .docx that turns out to be a PDF fails on completion.
    let pdf = fixture("awesome-cv-resume.pdf");
    let ticket: Value = api
        .authed(Method::POST, "/cvs/uploads", &token)
        .json(&json!({"content_length": pdf.len(), "content_type": DOCX}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(api.put_presigned(&ticket, pdf).await.status().is_success());
    let refused = api
        .complete_upload(&token, ticket["id"].as_str().unwrap())
        .await;
    assert_eq!(refused.status(), 415);
    let legacy_type = api
        .authed(Method::POST, "/cvs/uploads", &token)
        .json(&json!({"content_length": 10, "content_type": "application/msword"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(legacy_type).await["errors"][0]["field"],
        "content_type"
    );
}

async fn a_ready_cvs_text_can_be_corrected_by_its_owner(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let owner = api.user("fixer").await.token;
    let intruder = api.user("meddler").await.token;
    let patch = |token: &str, id: &str, body: Value| {
        api.authed(Method::PATCH, &format!("/cvs/{id}"), token)
            .json(&body)
            .send()
    };
    let pdf: Value = api
        .upload_pdf(&owner, None, fixture("awesome-cv-resume.pdf"))
        .await
        .json()
        .await
        .unwrap();
    let id = pdf["id"].as_str().unwrap();
    let ready = settled(&api, &owner, id).await;
    assert_eq!(ready["status"], "ready");

    let corrected = patch(
        &owner,
        id,
        json!({"text": "  Byungjin   Park\n\n\nDevOps engineer, 김민준 팀  "}),
    )
    .await
    .unwrap();
    assert_eq!(corrected.status(), 200);
    let corrected: Value = corrected.json().await.unwrap();
    assert_eq!(
        corrected["text"],
        "Byungjin Park\n\nDevOps engineer, 김민준 팀"
    );
    assert_eq!(corrected["text_chars"], 37);
    assert_eq!(corrected["source"], "pdf");
    assert_eq!(
        corrected["size_bytes"], ready["size_bytes"],
        "the file is unchanged"
    );
    let shown: Value = api.cv(&owner, id).await.json().await.unwrap();
    assert_eq!(shown["text"], corrected["text"]);

    // Another user's CV is not found, and stays as it was.
    let foreign = patch(&intruder, id, json!({"text": "mine now"}))
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
    // The rules of a text CV.
    let blank = patch(&owner, id, json!({"text": "  \n "})).await.unwrap();
    assert_eq!(problem(blank).await["errors"][0]["field"], "text");
    let long = patch(&owner, id, json!({"text": "x".repeat(50_001)}))
        .await
        .unwrap();
    assert_eq!(long.status(), 422);
    let shown: Value = api.cv(&owner, id).await.json().await.unwrap();
    assert_eq!(shown["text"], corrected["text"]);

    // Only a ready CV: one still uploading is a conflict.
    let ticket: Value = api
        .start_upload(&owner, 100, None)
        .await
        .json()
        .await
        .unwrap();
    let uploading = patch(
        &owner,
        ticket["id"].as_str().unwrap(),
        json!({"text": "A CV"}),
    )
    .await
    .unwrap();
    assert_eq!(uploading.status(), 409);
    assert_eq!(problem(uploading).await["code"], "cv_not_ready");

    // A text CV's size follows its text.
    let text: Value = api
        .create_text_cv(&owner, "Short", None)
        .await
        .json()
        .await
        .unwrap();
    let longer: Value = patch(
        &owner,
        text["id"].as_str().unwrap(),
        json!({"text": "A longer text"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(longer["size_bytes"], 13);
}

async fn limits_and_types_are_enforced_and_change_nothing(family: Family) {
    let api = Api::start(family, &[]).await;
    api.start_worker();
    let TestUser { id, token } = api.user("limited").await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(4 * 1024 * 1024 + 1, b' ');
    let too_big_for_a_body = api.upload_pdf(&token, Some("My CV"), big).await;
    assert_eq!(too_big_for_a_body.status(), 413);
    let detail = problem(too_big_for_a_body).await["detail"].to_string();
    assert!(
        detail.contains("4 MiB") && detail.contains("/cvs/uploads"),
        "{detail}"
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
    let too_big = api.start_upload(&token, 10 * 1024 * 1024 + 1, None).await;
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
    settled(&api, &token, id).await;
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

async fn an_abandoned_upload_frees_its_slot_and_file_after_it_expires(mut family: Family) {
    let clock = ManualClock::at(time::OffsetDateTime::now_utc().unix_timestamp());
    family.services.clock = std::sync::Arc::new(clock.clone());
    let api = Api::start(family, &[]).await;
    let user = api.user("abandoner").await;
    for _ in 0..19 {
        assert_eq!(
            api.create_text_cv(&user.token, "A CV", None).await.status(),
            201
        );
    }
    // The twentieth slot: a file sent to its URL, the upload never completed.
    let pdf = fixture("awesome-cv-resume.pdf");
    let ticket: Value = api
        .start_upload(&user.token, pdf.len(), None)
        .await
        .json()
        .await
        .unwrap();
    let abandoned = ticket["id"].as_str().unwrap().to_owned();
    assert!(api.put_presigned(&ticket, pdf).await.status().is_success());
    let full = api.create_text_cv(&user.token, "A CV", None).await;
    assert_eq!(problem(full).await["code"], "cv_limit_reached");

    // Within the URL's lifetime and the grace after it, the slot is still taken.
    let expiry = (UPLOAD_URL_SECONDS + ABANDONED_UPLOAD_GRACE_SECONDS) as i64;
    clock.advance(expiry - 60);
    let still_full = api.create_text_cv(&user.token, "A CV", None).await;
    assert_eq!(still_full.status(), 409);
    // Past it, the room is made when it is needed, and the file goes with the slot.
    clock.advance(120);
    assert_eq!(
        api.create_text_cv(&user.token, "A CV", None).await.status(),
        201
    );
    let listed: Value = api.cvs(&user.token).await.json().await.unwrap();
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|cv| cv["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(!ids.contains(&abandoned.as_str()));
    assert_eq!(api.cv(&user.token, &abandoned).await.status(), 404);
    let file = api
        .services()
        .blobs
        .get(&blob_key(&user.id, &abandoned))
        .await
        .unwrap();
    assert_eq!(file, None);
}
