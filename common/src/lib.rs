//! # `common`: o que os dois capítulos compartilham
//!
//! Esta biblioteca é o **único** lugar do projeto onde um socket é criado ou uma
//! opção de socket é ajustada. Os programas de `udp-echo` e `tcp-echo` pedem
//! sockets prontos daqui e só cuidam do laço que as notas mostram.
//!
//! - [`address`]: transforma `"localhost"`, `"127.0.0.1"` ou `"::1"` em endereços.
//! - [`udp`]: o socket `SOCK_DGRAM` das notas, feito com socket2.
//! - [`tcp`]: o socket `SOCK_STREAM` das notas: o de escuta e o de conexão.
//! - [`tcp_info`]: o que o kernel sabe de uma conexão TCP (janelas, RTT,
//!   retransmissões), lido durante uma transferência.
//! - [`transform`]: a transformação em maiúsculas, uma única vez para todos.
//! - [`memory`]: buffers que, sem memória, dão um erro em vez de abortar.
//! - [`error`]: erros explicados em português, prontos para o usuário.
//! - [`cli`]: a linha de comando (clap) com ajuda e erros em português.
//! - [`log`](mod@log) e [`shutdown`]: o registro dos servidores e o Ctrl+C.
//! - [`stats`]: as contas dos subcomandos `bench` (percentis, vazão, progresso).
//! - [`bench`](mod@bench): o esqueleto dos dois `bench`: as threads, a soma e o veredito.
//! - [`report`]: o resultado dos `bench` para outro programa ler (`--formato`).

pub mod address;
pub mod bench;
pub mod cli;
pub mod error;
pub mod log;
pub mod memory;
pub mod report;
pub mod shutdown;
pub mod stats;
pub mod tcp;
pub mod tcp_info;
pub mod transform;
pub mod udp;

pub use error::Error;
