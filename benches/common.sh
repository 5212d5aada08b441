# Shared set-up of the bench scripts (sourced, not run): builds the release binary, and gives
# every script a scratch directory with a hermetic HOME and git identity.
# Sets: here, peers, gk, scratch.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
peers=${PEERS:-$HOME/.cache/gatekeeper-peers/bin}
command -v hyperfine >/dev/null || { echo "hyperfine is needed (apt-get install hyperfine)" >&2; exit 3; }
# The binary install.sh installs, or GK=/path/to/gatekeeper to measure another build.
gk=${GK:-$("$here/scripts/build-release.sh")}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_STATE_HOME="$scratch/home/state" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"; : > "$HOME/.gitconfig"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
export PRE_COMMIT_HOME="$scratch/pre-commit-cache" PREK_HOME="$scratch/prek-cache"
