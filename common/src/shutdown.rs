//! Encerrar um servidor com Ctrl+C (SIGINT) ou SIGTERM, dizendo que encerrou.
//!
//! Sem isso o sistema mata o processo no meio de uma linha e o terminal não
//! diz nada. Não há nada a salvar: ao sair, o sistema fecha todos os sockets.

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
