"""Shared AppTest steps."""


def diverge(at, epochs: int = 20) -> None:
    """Drive the Playground's widgets into a run that diverges: regression data, six sigmoid
    layers, learning rate 10, then epochs until the trainer reports divergence."""
    at.selectbox(key="w_dataset").set_value("plane").run()
    at.number_input(key="w_layers").set_value(6).run()
    at.selectbox(key="w_act_all").set_value("sigmoid").run()
    at.select_slider(key="w_lr").set_value(10.0).run()
    for _ in range(epochs):
        next(b for b in at.button if b.label == "Epoch").click().run()
        if at.session_state["trainer"].diverged is not None:
            return
