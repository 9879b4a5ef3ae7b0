//! The blob store contract, run against a directory and against S3 (moto).

use std::time::Duration;

use bytes::Bytes;
use cyi_shared::Services;
use cyi_shared::ports::BlobError;

cyi_shared::contract_cases!(cyi_shared::testing::FAST_QUEUE;
    put_get_delete,
    delete_prefix_removes_only_that_prefix,
    presigned_put_uploads_the_object,
    keys_that_could_escape_are_refused,
);

const PDF: &[u8] = b"%PDF-1.7\n% a tiny test body\n%%EOF\n";

async fn put_get_delete(s: &Services) {
    let key = "cvs/u1/cv1.pdf";
    assert_eq!(s.blobs.get(key).await.unwrap(), None);
    s.blobs
        .put(key, Bytes::from_static(PDF), "application/pdf")
        .await
        .unwrap();
    assert_eq!(s.blobs.get(key).await.unwrap().as_deref(), Some(PDF));
    s.blobs
        .put(key, Bytes::from_static(b"%PDF-2"), "application/pdf")
        .await
        .unwrap();
    assert_eq!(
        s.blobs.get(key).await.unwrap().as_deref(),
        Some(&b"%PDF-2"[..])
    );
    s.blobs.delete(key).await.unwrap();
    assert_eq!(s.blobs.get(key).await.unwrap(), None);
    s.blobs.delete(key).await.unwrap();
}

async fn delete_prefix_removes_only_that_prefix(s: &Services) {
    for key in [
        "cvs/u1/a.pdf",
        "cvs/u1/b.pdf",
        "cvs/u10/c.pdf",
        "cvs/u2/d.pdf",
    ] {
        s.blobs
            .put(key, Bytes::from_static(PDF), "application/pdf")
            .await
            .unwrap();
    }
    assert_eq!(s.blobs.delete_prefix("cvs/u1/").await.unwrap(), 2);
    assert_eq!(s.blobs.get("cvs/u1/a.pdf").await.unwrap(), None);
    assert_eq!(s.blobs.get("cvs/u1/b.pdf").await.unwrap(), None);
    assert!(s.blobs.get("cvs/u10/c.pdf").await.unwrap().is_some());
    assert!(s.blobs.get("cvs/u2/d.pdf").await.unwrap().is_some());
    assert_eq!(s.blobs.delete_prefix("cvs/u1/").await.unwrap(), 0);
}

async fn presigned_put_uploads_the_object(s: &Services) {
    let key = "cvs/u3/upload.pdf";
    let signed = s
        .blobs
        .presign_put(
            key,
            "application/pdf",
            PDF.len() as u64,
            Duration::from_secs(300),
        )
        .await
        .unwrap();
    assert!(signed.expires_at > time::OffsetDateTime::now_utc().unix_timestamp());
    assert_eq!(
        signed.headers.get("content-type").map(String::as_str),
        Some("application/pdf")
    );
    let client = reqwest::Client::new();
    let mut request = client.put(&signed.url).body(PDF.to_vec());
    for (name, value) in &signed.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(s.blobs.get(key).await.unwrap().as_deref(), Some(PDF));
}

async fn keys_that_could_escape_are_refused(s: &Services) {
    for key in ["../etc/passwd", "cvs//x", "/abs", "cvs/./x", "a b", ""] {
        let result = s.blobs.put(key, Bytes::new(), "text/plain").await;
        assert!(
            matches!(result, Err(BlobError::InvalidKey(_))),
            "{key}: {result:?}"
        );
    }
}
