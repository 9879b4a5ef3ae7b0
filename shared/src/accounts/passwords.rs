//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), on the
//! blocking pool so hashing never stalls the async threads, at most one hash per core at a
//! time: more would only share the cores, slowing every log-in and starving the store's
//! writes on the same pool.

use std::sync::{LazyLock, OnceLock};

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

fn hasher() -> Argon2<'static> {
    // The parameters are constants within argon2's bounds.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))
}

fn verify_now(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes running at once: one per core.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Runs hashing work on the blocking pool, once a core is free for it.
async fn on_a_core<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let _core = HASHING.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// A PHC-format argon2id hash of the password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    on_a_core(move || hash_now(&password)).await?
}

/// Whether the password matches the hash. With no hash (an unknown user) it still spends the
/// time of a verification, against a hash of a random password, so the answer's timing does
/// not reveal which usernames exist.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    on_a_core(move || match hash {
        Some(hash) => verify_now(&password, &hash),
        None => {
            verify_now(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 24];
        rand::rng().fill_bytes(&mut random);
        let password: String = random.iter().map(|b| format!("{b:02x}")).collect();
        hash_now(&password).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hashed = hash("correct horse".into()).await.unwrap();
        assert!(
            hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hashed}"
        );
        assert!(verify("correct horse".into(), Some(hashed.clone())).await);
        assert!(!verify("correct horsf".into(), Some(hashed.clone())).await);
        assert!(!verify("correct horse".into(), None).await);
        assert_ne!(
            hash("correct horse".into()).await.unwrap(),
            hashed,
            "salted"
        );
    }

    #[tokio::test]
    async fn a_long_password_is_used_whole() {
        let base = "x".repeat(100);
        let hashed = hash(format!("{base}a")).await.unwrap();
        assert!(!verify(format!("{base}b"), Some(hashed)).await);
    }
}
