//! The blob store in a directory. Presigned PUTs are URLs of the local host, signed with
//! HMAC-SHA256 under a key kept in the data folder; `upload_router` serves them and checks
//! signature, expiry, content type and length as S3 would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::put;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::ports::blob_store::{BlobError, BlobStore, PresignedPut, validate_key};
use crate::ports::{Clock, SystemClock};

/// Where the local host serves signed uploads.
pub const UPLOAD_PATH: &str = "/local-blobs";

pub struct DirectoryBlobStore {
    root: PathBuf,
    signing_key: Vec<u8>,
    public_base_url: String,
    clock: Arc<dyn Clock>,
}

impl DirectoryBlobStore {
    /// Opens the store under `root`, creating it and its signing key when missing.
    /// `public_base_url` is where the local host answers (`http://127.0.0.1:3000`).
    pub fn open(root: &Path, public_base_url: &str) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root.join("objects")).map_err(BlobError::backend)?;
        let signing_key = crate::secrets::load_or_create_key(&root.join("upload-signing.key"))
            .map_err(BlobError::backend)?;
        Ok(Self {
            root: root.join("objects"),
            signing_key,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            clock: Arc::new(SystemClock),
        })
    }

    /// Replaces the clock, for tests of expiry.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }

    fn signature(&self, key: &str, content_type: &str, length: u64, expires: i64) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.signing_key).expect("HMAC takes any key length");
        mac.update(format!("PUT\n{key}\n{content_type}\n{length}\n{expires}").as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Stores an upload sent to a presigned URL, if the request is the one that was signed.
    pub async fn accept_signed_put(
        &self,
        key: &str,
        signed: &SignedQuery,
        content_type: &str,
        body: Bytes,
    ) -> Result<(), SignedPutError> {
        if self.clock.unix_now() > signed.expires {
            return Err(SignedPutError::Expired);
        }
        let expected = self.signature(key, content_type, body.len() as u64, signed.expires);
        let matches = constant_time_eq(expected.as_bytes(), signed.signature.as_bytes());
        if !matches {
            return Err(SignedPutError::BadSignature);
        }
        self.put(key, body, content_type)
            .await
            .map_err(SignedPutError::Store)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The query string of a presigned URL.
#[derive(Debug, serde::Deserialize)]
pub struct SignedQuery {
    #[serde(rename = "X-Expires")]
    pub expires: i64,
    #[serde(rename = "X-Signature")]
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignedPutError {
    #[error("the upload URL has expired")]
    Expired,
    #[error("the upload does not match its signature (key, content type or length differ)")]
    BadSignature,
    #[error(transparent)]
    Store(BlobError),
}

#[async_trait]
impl BlobStore for DirectoryBlobStore {
    async fn put(&self, key: &str, body: Bytes, _content_type: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&parent)?;
            // Write then rename, so a reader never sees half a file.
            let mut file = tempfile::NamedTempFile::new_in(&parent)?;
            std::io::Write::write_all(&mut file, &body)?;
            file.persist(&path)?;
            Ok::<_, anyhow::Error>(())
        })
        .await
        .map_err(BlobError::backend)?
        .map_err(BlobError::backend)
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(body) => Ok(Some(Bytes::from(body))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(BlobError::backend(e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(BlobError::backend(e)),
            _ => Ok(()),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<usize, BlobError> {
        validate_key(prefix.trim_end_matches('/'))?;
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut deleted = 0;
            let mut pending = vec![root.clone()];
            while let Some(dir) = pending.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(entries) => entries,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(BlobError::backend(e)),
                };
                for entry in entries {
                    let path = entry.map_err(BlobError::backend)?.path();
                    if path.is_dir() {
                        pending.push(path);
                        continue;
                    }
                    let key = path
                        .strip_prefix(&root)
                        .map(|p| p.to_string_lossy().replace('\\', "/"))
                        .unwrap_or_default();
                    if key.starts_with(&prefix) {
                        std::fs::remove_file(&path).map_err(BlobError::backend)?;
                        deleted += 1;
                    }
                }
            }
            Ok(deleted)
        })
        .await
        .map_err(BlobError::backend)?
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError> {
        validate_key(key)?;
        let expires = self.clock.unix_now() + expires_in.as_secs() as i64;
        let signature = self.signature(key, content_type, content_length, expires);
        Ok(PresignedPut {
            url: format!(
                "{}{UPLOAD_PATH}/{key}?X-Expires={expires}&X-Signature={signature}",
                self.public_base_url
            ),
            headers: BTreeMap::from([
                (header::CONTENT_TYPE.to_string(), content_type.to_owned()),
                (
                    header::CONTENT_LENGTH.to_string(),
                    content_length.to_string(),
                ),
            ]),
            expires_at: expires,
        })
    }
}

/// The route the local host mounts to receive presigned uploads.
pub fn upload_router(store: Arc<DirectoryBlobStore>) -> Router {
    Router::new()
        .route(&format!("{UPLOAD_PATH}/{{*key}}"), put(receive_upload))
        // The signature fixes each upload's exact length; this is only the ceiling past which
        // a body is not even read (axum's default, 2 MB, is below the CVs we accept).
        .layer(axum::extract::DefaultBodyLimit::max(LARGEST_UPLOAD_BYTES))
        .with_state(store)
}

/// The largest body the upload route reads, as S3 reads far larger ones.
const LARGEST_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

async fn receive_upload(
    State(store): State<Arc<DirectoryBlobStore>>,
    UrlPath(key): UrlPath<String>,
    Query(signed): Query<SignedQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match store
        .accept_signed_put(&key, &signed, content_type, body)
        .await
    {
        Ok(()) => (StatusCode::OK, String::new()),
        Err(SignedPutError::Store(BlobError::InvalidKey(_))) => {
            (StatusCode::BAD_REQUEST, "invalid key".into())
        }
        Err(e @ SignedPutError::Store(_)) => {
            tracing::error!(error = ?e, "storing a signed upload failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "upload failed".into())
        }
        // S3 answers 403 for an expired or mismatched signature; so do we.
        Err(e) => (StatusCode::FORBIDDEN, e.to_string()),
    }
}
