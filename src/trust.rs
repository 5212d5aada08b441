//! Trust records: which configurations (by sha256) this user has reviewed, per repository.
//!
//! A hook never runs commands from a `gatekeeper.yml` whose hash is not recorded here, so
//! checking out a branch cannot make a machine run new commands silently. Records live in the
//! per-user state directory, outside every repository, and are written atomically.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::env::Environment;

#[derive(Debug, Default, Serialize, Deserialize)]
struct TrustFile {
    #[serde(default)]
    trusted: Vec<TrustRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrustRecord {
    /// The repository's common git directory (shared by its work trees).
    pub repository: PathBuf,
    pub sha256: String,
    /// Seconds since the Unix epoch.
    pub trusted_at: u64,
}

/// The per-user trust store.
pub struct TrustStore {
    path: PathBuf,
}

impl TrustStore {
    pub fn for_user(env: &Environment) -> Result<TrustStore> {
        let dir = env.user_state_dir().ok_or_else(|| {
            anyhow::anyhow!(
                "cannot find the per-user state directory: neither XDG_STATE_HOME nor HOME is set"
            )
        })?;
        Ok(TrustStore {
            path: dir.join("trust.json"),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<TrustFile> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b)
                .with_context(|| format!("`{}` is corrupt", self.path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrustFile::default()),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", self.path.display())),
        }
    }

    /// Whether this user trusts configuration `sha256` in `repository`.
    pub fn is_trusted(&self, repository: &Path, sha256: &str) -> Result<bool> {
        Ok(self
            .read()?
            .trusted
            .iter()
            .any(|r| r.repository == repository && r.sha256 == sha256))
    }

    /// Records trust. Earlier hashes of the same repository stay trusted: switching back to a
    /// branch with a reviewed configuration needs no new review.
    pub fn trust(&self, repository: &Path, sha256: &str) -> Result<bool> {
        let mut file = self.read()?;
        if file
            .trusted
            .iter()
            .any(|r| r.repository == repository && r.sha256 == sha256)
        {
            return Ok(false);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        file.trusted.push(TrustRecord {
            repository: repository.to_path_buf(),
            sha256: sha256.to_owned(),
            trusted_at: now,
        });
        crate::fsutil::write_atomic(&self.path, &serde_json::to_vec_pretty(&file)?)?;
        Ok(true)
    }
}
