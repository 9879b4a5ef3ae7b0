//! The blob store: CV files in a private bucket (S3) or a directory (embedded).

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

/// A signed request a client sends to upload one object, exactly as described.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct PresignedPut {
    pub url: String,
    /// Headers the upload must carry as given (they are part of the signature).
    pub headers: BTreeMap<String, String>,
    /// Unix seconds after which the URL no longer works.
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("invalid blob key `{0}`")]
    InvalidKey(String),
    #[error("the blob store failed")]
    Backend(#[source] anyhow::Error),
}

impl BlobError {
    pub fn backend(error: impl Into<anyhow::Error>) -> Self {
        Self::Backend(error.into())
    }
}

/// Keys are server-generated; this refuses anything that could escape a directory or a prefix.
pub fn validate_key(key: &str) -> Result<(), BlobError> {
    let well_formed = !key.is_empty()
        && key.len() <= 512
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-.".contains(&b))
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if well_formed {
        Ok(())
    } else {
        Err(BlobError::InvalidKey(key.to_owned()))
    }
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), BlobError>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError>;
    /// Deleting a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), BlobError>;
    /// Deletes every object under the prefix and says how many there were.
    async fn delete_prefix(&self, prefix: &str) -> Result<usize, BlobError>;
    /// A PUT a client can send directly, valid for `expires_in`, only for this key, this
    /// content type and this exact length.
    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError>;
}
