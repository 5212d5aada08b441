//! The one integration-test binary: every module drives the built `gatekeeper` binary against
//! real temporary repositories (see `common`).

mod common;

mod agent;
mod cache;
mod config;
mod data;
mod deploy_check;
mod fakes;
mod gate_integrity;
mod github_action;
mod hooks;
mod hooks_engine;
mod import;
mod install;
mod more_hooks;
mod newcomer;
mod pre_commit_hooks;
mod ratchet;
mod run;
mod sacred;
mod templates;
mod verdicts;
