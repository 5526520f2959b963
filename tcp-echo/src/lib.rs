//! O capítulo TCP como biblioteca: `main.rs` usa estes módulos, e os testes
//! de avaliação (`tests/`) chamam as funções deles diretamente.

pub mod bench;
pub mod client;
pub mod observe;
pub mod server;
pub mod threads;
