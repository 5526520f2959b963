//! O capítulo UDP como biblioteca: `main.rs` usa estes módulos, e os testes
//! de avaliação (`tests/`) chamam as funções deles diretamente.

pub mod bench;
pub mod client;
pub mod ping;
pub mod server;
pub mod simulate;
