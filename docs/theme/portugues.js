// A interface do mdBook em português. O mdBook 0.5 não tem opção de idioma:
// os textos em inglês estão no index.hbs e no book.js dele. Em vez de copiar
// esses arquivos inteiros (e ter de acompanhá-los a cada versão), este script
// troca os textos depois que a página carrega. Roda no fim do <body>, depois do
// book.js. Testado em tests/tests/livro_navegador.rs.
(function () {
    'use strict';

    function texto(seletor, valor) {
        document.querySelectorAll(seletor).forEach(function (el) { el.textContent = valor; });
    }
    function rotulo(seletor, valor, soAria) {
        document.querySelectorAll(seletor).forEach(function (el) {
            if (!soAria) { el.setAttribute('title', valor); }
            el.setAttribute('aria-label', valor);
        });
    }

    // Barra de cima.
    rotulo('#mdbook-sidebar', 'Sumário', true);
    rotulo('#mdbook-sidebar-toggle', 'Mostrar ou esconder o sumário');
    rotulo('#mdbook-theme-toggle', 'Mudar o tema');
    rotulo('#mdbook-theme-list', 'Temas', true);
    rotulo('#mdbook-search-toggle', 'Buscar (/)');
    rotulo('a[href$="print.html"]', 'Imprimir o livro');
    rotulo('a[rel="edit"]', 'Sugerir uma mudança');
    rotulo('.nav-wrapper, .nav-wide-wrapper', 'Navegação entre páginas', true);
    rotulo('a[rel="prev"]', 'Página anterior');
    rotulo('a[rel~="next"]', 'Próxima página');

    // Os temas.
    texto('#mdbook-theme-default_theme', 'Automático');
    texto('#mdbook-theme-light', 'Claro');
    texto('#mdbook-theme-rust', 'Rust');
    texto('#mdbook-theme-coal', 'Carvão');
    texto('#mdbook-theme-navy', 'Azul-marinho');
    texto('#mdbook-theme-ayu', 'Ayu');

    // A busca.
    var busca = document.getElementById('mdbook-searchbar');
    if (busca) {
        busca.setAttribute('placeholder', 'Buscar no livro…');
        busca.setAttribute('aria-label', 'Buscar no livro');
    }
    // O searcher.js escreve "N search results for 'x':"; reescrevemos a frase.
    var cabecalho = document.getElementById('mdbook-searchresults-header');
    function traduzirResultado() {
        var t = cabecalho.textContent, m;
        if ((m = t.match(/^No search results for '(.*)'\.$/))) {
            cabecalho.textContent = 'Nenhum resultado para “' + m[1] + '”.';
        } else if ((m = t.match(/^(\d+) search results? for '(.*)':$/))) {
            cabecalho.textContent = m[1] + (m[1] === '1' ? ' resultado' : ' resultados') +
                ' para “' + m[2] + '”:';
        }
    }
    var lista = document.getElementById('mdbook-searchresults');
    if (lista) {
        new MutationObserver(function () {
            lista.querySelectorAll('[aria-label="Search Result Teaser"]').forEach(function (el) {
                el.setAttribute('aria-label', 'Trecho do resultado');
            });
        }).observe(lista, {childList: true});
    }
    if (cabecalho) {
        traduzirResultado();
        new MutationObserver(traduzirResultado).observe(cabecalho, {childList: true, characterData: true, subtree: true});
    }

    // A ajuda do teclado (tecla ?).
    texto('.mdbook-help-title', 'Atalhos do teclado');
    var ajuda = document.querySelector('#mdbook-help-popup > div');
    if (ajuda) {
        var linhas = {
            'navigate between chapters': 'Tecle <kbd>←</kbd> ou <kbd>→</kbd> para ir à página anterior ou à próxima',
            'search in the book': 'Tecle <kbd>S</kbd> ou <kbd>/</kbd> para buscar no livro',
            'show this help': 'Tecle <kbd>?</kbd> para mostrar esta ajuda',
            'hide this help': 'Tecle <kbd>Esc</kbd> para esconder esta ajuda',
        };
        ajuda.querySelectorAll('p').forEach(function (p) {
            Object.keys(linhas).forEach(function (fim) {
                if (p.textContent.indexOf(fim) !== -1) { p.innerHTML = linhas[fim]; }
            });
        });
    }

    // Os botões dos blocos de código (criados pelo book.js, que já rodou).
    rotulo('.clip-button', 'Copiar para a área de transferência');
    document.querySelectorAll('button[title="Show hidden lines"]').forEach(function (b) {
        b.setAttribute('title', 'Mostrar as linhas escondidas');
        b.setAttribute('aria-label', 'Mostrar as linhas escondidas');
    });
    // O aviso que aparece depois de copiar ("Copied!") é um <i class="tooltiptext">.
    new MutationObserver(function (mudancas) {
        mudancas.forEach(function (m) {
            var el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
            if (!el || !el.classList || !el.classList.contains('tooltiptext')) { return; }
            if (el.textContent === 'Copied!') { el.textContent = 'Copiado!'; }
            if (el.textContent === 'Clipboard error!') { el.textContent = 'Não foi possível copiar'; }
        });
    }).observe(document.body, {childList: true, characterData: true, subtree: true});
})();
