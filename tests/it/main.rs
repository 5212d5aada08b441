//! The one integration-test binary: every module drives the built `gatekeeper` binary against
//! real temporary repositories (see `common`).

mod common;

mod agent;
mod cache;
mod config;
mod data;
mod deploy_check;
mod hooks;
mod hooks_engine;
mod install;
mod ratchet;
mod run;
mod sacred;
