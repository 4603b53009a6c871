//! The terminal UI (ratatui + crossterm): connections, handshake ladder, details, diagnosis,
//! compare, probe form and probe result, help. `App` is owned by the UI thread and changed only by
//! `App::update(Msg)`; views are pure `render(&App, &mut Frame)`; `run` is the only crossterm
//! user. No state shared behind mutexes; every channel bounded.

pub mod app;
pub mod form;
pub mod result;
pub mod run;
pub mod summary;
pub mod summary_view;
pub mod text;
pub mod views;

#[cfg(test)]
mod compare_http_tests;
#[cfg(test)]
mod summary_tests;
#[cfg(test)]
mod tests;
