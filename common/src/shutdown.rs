//! Encerrar um servidor com Ctrl+C (SIGINT) ou SIGTERM, dizendo que encerrou.
//!
//! Sem isso o sistema mata o processo no meio de uma linha e o terminal não
//! diz nada. Não há nada a salvar: ao sair, o sistema fecha todos os sockets.

/// Instala o tratamento de Ctrl+C e SIGTERM: escreve uma última linha
/// (`"servidor UDP encerrado."`, por exemplo) e sai com código 0.
pub fn on_ctrl_c(what: &'static str) {
    let installed = ctrlc::set_handler(move || {
        // No terminal, o "^C" fica no começo da linha; a mensagem vai na seguinte.
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            crate::log!("");
        }
        crate::log!("{what} encerrado.");
        crate::log::flush();
        std::process::exit(0);
    });
    if let Err(err) = installed {
        crate::log!("aviso: não foi possível tratar o Ctrl+C ({err})");
    }
}
