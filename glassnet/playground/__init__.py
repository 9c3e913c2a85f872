"""The glassnet playground: watch a real glassnet network learn, live, in the browser.

`glassnet playground` starts a local web app (FastAPI + uvicorn, `pip install glassnet[playground]`)
whose page picks a data set, builds an MLP, a loss, an optimizer and a schedule, and trains it
server-side with glassnet, drawing the decision boundary, the loss curves, the gradient norm of
every layer, each neuron's output and the weights as it goes. "Explain a step" shows one backward
pass from `glassnet.autograd.trace`; perceptron mode runs Rosenblatt's rule point by point.

Example
-------
>>> from glassnet.playground import serve
>>> serve(port=8000)   # then open http://127.0.0.1:8000
"""

from __future__ import annotations

from pathlib import Path


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    max_sessions: int = 8,
    runs_dir: str | Path = "runs",
) -> None:
    """Run the playground server until interrupted (localhost only unless `host` says otherwise).

    Raises
    ------
    ImportError
        When the web stack is missing, with the command that installs it.
    """
    try:
        import uvicorn

        from glassnet.playground.app import create_app
    except ImportError as e:
        raise ImportError(
            f"glassnet playground needs its web stack ({e.name} is missing): "
            'pip install "glassnet[playground]"'
        ) from None
    app = create_app(max_sessions=max_sessions, runs_dir=runs_dir)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    print(f"glassnet playground: {url}  (Ctrl+C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"glassnet playground: warning: listening on {host}, not only on this machine: "
            "anyone who can reach the port can train on its CPU"
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")
