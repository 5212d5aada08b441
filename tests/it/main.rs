//! The one integration-test binary: every module drives the built `gatekeeper` binary against
//! real temporary repositories (see `common`).

mod common;

mod agent;
mod cache;
mod config;
mod data;
mod deploy_check;
mod fakes;
mod hooks;
mod install;
mod more_hooks;
mod ratchet;
mod run;
mod sacred;
mod templates;
mod verdicts;
