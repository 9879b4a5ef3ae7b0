//! Secrets the local host generates for itself on first run and keeps in its data folder.

use std::io::Write;
use std::path::Path;

use rand::RngCore;

/// Reads a 32-byte key from the file, creating it with fresh random bytes (owner-only
/// permissions) when it does not exist yet.
pub fn load_or_create_key(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(key) if key.len() >= 32 => return Ok(key),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} holds fewer than 32 bytes", path.display()),
            ));
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    // Written whole under a name of its own, then linked into place: processes starting
    // together (the functions under `cargo lambda watch`) never read a half-written key, and
    // the first link wins.
    let draft = path.with_extension(format!("{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&draft)
        .and_then(|mut file| file.write_all(&key).and_then(|()| file.sync_all()));
    let linked = written.and_then(|()| std::fs::hard_link(&draft, path));
    let _ = std::fs::remove_file(&draft);
    match linked {
        Ok(()) => Ok(key),
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_starting_together_share_one_whole_key() {
        let dir = std::env::temp_dir().join(format!("cyi-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token-signing.key");
        let keys: Vec<Vec<u8>> = std::thread::scope(|scope| {
            let racers: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| load_or_create_key(&path).unwrap()))
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert!(keys.iter().all(|key| key.len() == 32 && *key == keys[0]));
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no drafts left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
