"""What ``nn`` says, in Spanish: its phrases, registered with the language of
:mod:`autograd.language` when ``nn`` is imported (each package keeps the words it uses;
``tr`` finds them)."""

from autograd.language import add_phrases

SPANISH = {
    "fit: the loss is {value} at epoch {epoch}, batch {k}: training diverged. Try a smaller "
    "learning rate (it is {lr}) or standardized inputs.":
        "fit: la pérdida es {value} en la época {epoch}, lote {k}: el entrenamiento divergió. "
        "Pruebe una tasa de aprendizaje menor (es {lr}) o entradas estandarizadas.",
    "diagnose: nothing wrong found": "diagnose: no se encontró ningún problema",
    "diagnose: one finding": "diagnose: un hallazgo",
    "diagnose: {n} findings": "diagnose: {n} hallazgos",
    "try": "pruebe",
    "kind": "tipo",
    "seen": "qué se vio",
    "at epoch {epoch} the loss jumped to {value:.4g}, {ratio:.1f} times its lowest before "
    "({best:.4g})":
        "en la época {epoch} la pérdida saltó a {value:.4g}, {ratio:.1f} veces su mínimo "
        "anterior ({best:.4g})",
    "a smaller learning rate (a tenth), or standardized inputs":
        "una tasa de aprendizaje menor (la décima parte), o entradas estandarizadas",
    "the loss stayed at {value:.4g} for {n} epochs (it changed by {change:.2%})":
        "la pérdida quedó en {value:.4g} durante {n} épocas (cambió un {change:.2%})",
    "a larger learning rate; a nonlinear activation between layers; check for dead units "
    "(fit(watch=True))":
        "una tasa de aprendizaje mayor; una activación no lineal entre las capas; revise si "
        "hay unidades muertas (fit(watch=True))",
    "the layers {names} have no nonlinear activation between them: together they are one "
    "linear map, whatever their number":
        "las capas {names} no tienen ninguna activación no lineal entre ellas: juntas son una "
        "sola función lineal, sean cuantas sean",
    "an activation (relu, tanh, sigmoid) on every hidden layer":
        "una activación (relu, tanh, sigmoid) en cada capa oculta",
    "a linear last layer: cross_entropy applies the softmax itself":
        "una última capa lineal: cross_entropy aplica la softmax por su cuenta",
    "a sigmoid on the last layer, or binary_cross_entropy_with_logits":
        "una sigmoide en la última capa, o binary_cross_entropy_with_logits",
    "cross_entropy on a linear last layer, for classes":
        "cross_entropy sobre una última capa lineal, para clases",
    "the loss {loss} does not fit the last layer's output ({output})":
        "la pérdida {loss} no corresponde a la salida de la última capa ({output})",
    "the gradient reaching {layer} is {ratio:.2g} times the last layer's ({g:.3g} against "
    "{top:.3g}): the layers near the input barely learn":
        "el gradiente que llega a {layer} es {ratio:.2g} veces el de la última capa ({g:.3g} "
        "contra {top:.3g}): las capas cerca de la entrada casi no aprenden",
    "ReLU instead of sigmoid or tanh in the hidden layers, smaller initial weights, or fewer "
    "layers":
        "ReLU en lugar de sigmoide o tanh en las capas ocultas, pesos iniciales más chicos, o "
        "menos capas",
    "the gradient of {layer} grew {ratio:.3g}-fold by recording {k} ({first:.3g} → {g:.3g})":
        "el gradiente de {layer} creció {ratio:.3g} veces hasta el registro {k} ({first:.3g} → "
        "{g:.3g})",
    "a smaller learning rate, smaller initial weights, or clipping the gradient":
        "una tasa de aprendizaje menor, pesos iniciales más chicos, o recortar el gradiente",
    "{share:.0%} of the ReLU units of {layer} are dead (0 for every example), since recording "
    "{since}":
        "el {share:.0%} de las unidades ReLU de {layer} están muertas (0 para todos los "
        "ejemplos), desde el registro {since}",
    "a smaller learning rate, leaky_relu, or He initialisation":
        "una tasa de aprendizaje menor, leaky_relu, o la inicialización de He",
    "{share:.0%} of the outputs of {layer} sit in the flat tails of its activation, where its "
    "derivative is below 10% of its largest":
        "el {share:.0%} de las salidas de {layer} está en las colas planas de su activación, "
        "donde su derivada es menor al 10% de su máximo",
    "smaller initial weights, standardized inputs, or ReLU":
        "pesos iniciales más chicos, entradas estandarizadas, o ReLU",
    "the validation loss is lowest at epoch {epoch} ({best:.4g}) and rises after it (to "
    "{last:.4g}) while the training loss keeps falling":
        "la pérdida de validación es mínima en la época {epoch} ({best:.4g}) y sube después "
        "(hasta {last:.4g}) mientras la de entrenamiento sigue bajando",
    "stop at that epoch (EarlyStopping(restore_best=True)), more data, L2 (l2=), or a smaller "
    "network":
        "detenerse en esa época (EarlyStopping(restore_best=True)), más datos, L2 (l2=), o una "
        "red más chica",
    "{share:.0%} of the predictions are class {cls}, while the targets hold {n} classes":
        "el {share:.0%} de las predicciones son de la clase {cls}, mientras que los objetivos "
        "tienen {n} clases",
    "check the loss and the output layer, balance the classes, or train longer":
        "revise la pérdida y la capa de salida, equilibre las clases, o entrene más",
    "fit(live=True): import viz to see the training live; training without it":
        "fit(live=True): importe viz para ver el entrenamiento en vivo; se entrena sin verlo",
    "module": "módulo",
    "type": "tipo",
    "output shape": "forma de salida",
    "parameters": "parámetros",
    "count": "cantidad",
    "total: {n} parameters": "total: {n} parámetros",
    "{n} scalars": "{n} escalares",
    "epoch": "época",
    "accuracy": "exactitud",
}

add_phrases("es", SPANISH)
