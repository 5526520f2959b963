//! Encerrar um servidor com Ctrl+C (SIGINT) ou SIGTERM, dizendo que encerrou;
//! e parar o `ping` e o `bench` mostrando o que eles já mediram.
//!
//! Sem isso o sistema mata o processo no meio de uma linha e o terminal não
//! diz nada. Não há nada a salvar: ao sair, o sistema fecha todos os sockets.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Quanto o Ctrl+C espera a última linha chegar à saída padrão. Se a saída
/// está parada (um `less` pausado, um pipe que ninguém lê), esperar por ela
/// seria esperar para sempre: o servidor encerra assim mesmo.
pub const LAST_LINE_WAIT: Duration = Duration::from_millis(300);

/// Instala o tratamento de Ctrl+C e SIGTERM: escreve uma última linha
/// (`"servidor UDP encerrado."`, por exemplo) e sai com código 0.
pub fn on_ctrl_c(what: &'static str) {
    let installed = ctrlc::set_handler(move || {
        // No terminal, o "^C" fica no começo da linha; a mensagem vai na seguinte.
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            crate::log!("");
        }
        crate::log::last_line(format_args!("{what} encerrado."));
        crate::log::flush_for(LAST_LINE_WAIT);
        std::process::exit(0);
    });
    if let Err(err) = installed {
        crate::log!("aviso: não foi possível tratar o Ctrl+C ({err})");
    }
}

/// Virou `true` no primeiro Ctrl+C (veja [`stop_on_ctrl_c`]).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Para o `ping` e o `bench`: o primeiro Ctrl+C (ou SIGTERM) não mata o
/// programa, só pede que ele pare de enviar; ele então mostra as estatísticas
/// do que mediu até ali e sai, como o `ping` do sistema. Um segundo Ctrl+C
/// sai na hora, com o código 130 (128 + o número do SIGINT, a convenção dos
/// shells para "interrompido").
pub fn stop_on_ctrl_c() {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if let Err(err) = installed {
        eprintln!("aviso: não foi possível tratar o Ctrl+C ({err})");
    }
}

/// O usuário já apertou Ctrl+C?
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
