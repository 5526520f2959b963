//! # `professor`: o programa do professor
//!
//! - [`kit`] escreve o kit do aluno (o workspace sem as soluções).
//! - [`notas`] corrige as entregas de uma turma, cada uma numa caixa de areia.
//! - [`classroom`] escreve o modelo do GitHub Classroom.
//! - [`livro`] confere o livro (`docs/`): includes, âncoras, cobertura.
//! - [`grafico`] e [`svg`] desenham os gráficos do laboratório.
//! - [`pastas`] percorre uma árvore de pastas (o kit, o livro, as entregas).
//!
//! O aluno nunca compila este crate: os testes dos exercícios usam só o
//! `avaliacao` (a pasta `tests/`), e o kit sai sem `tests/professor/`.

pub mod classroom;
pub mod grafico;
pub mod kit;
pub mod livro;
pub mod notas;
pub mod pastas;
pub mod svg;

// Os módulos da correção usam estes dois como `crate::skip` e
// `crate::workspace_root`: são os do `avaliacao`, os mesmos dos testes.
pub use avaliacao::{skip, workspace_root};
