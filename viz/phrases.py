"""What ``viz`` says, in Spanish: its phrases, registered with the language of
:mod:`autograd.language` when ``viz`` is imported (each package keeps the words it uses;
``tr`` finds them)."""

from autograd.language import add_phrases

SPANISH = {
    "check: {right} of {n} answers right": "check: {right} de {n} respuestas correctas",
    "; the first wrong one, nearest the loss, is the {quantity} of {label}: fix it first":
        "; la primera incorrecta, la más cercana a la pérdida, es {quantity} de {label}: "
        "corríjala primero",
    "node": "nodo",
    "quantity": "magnitud",
    "given": "dada",
    "expected": "esperada",
    "explanation": "explicación",
    "right": "correcta",
    "wrong": "incorrecta",
    "answer": "respuesta",
    "not answered": "sin responder",
    " ({n} not answered yet)": " ({n} sin responder todavía)",
    "not answered yet: replace None by your answer":
        "sin responder todavía: reemplace None por su respuesta",
    "the answer is {want}": "la respuesta es {want}",
    "the shape is {given}, it should be {want}": "la forma es {given}, debería ser {want}",
    "the forward value of {name} is {want}": "el valor (forward) de {name} es {want}",
    "the sign is wrong: ∂L/∂{name} = {want}; check the sign of each local derivative (a "
    "subtraction's second input gets the gradient times −1)":
        "el signo está mal: ∂L/∂{name} = {want}; revise el signo de cada derivada local (la "
        "segunda entrada de una resta recibe el gradiente por −1)",
    "{name} feeds {n} nodes and its gradient is the sum over all of them; the paths through "
    "{left_out} are missing (∂L/∂{name} = {want})":
        "{name} alimenta {n} nodos y su gradiente es la suma sobre todos ellos; faltan los "
        "caminos que pasan por {left_out} (∂L/∂{name} = {want})",
    "you gave the local derivative ∂{child}/∂{name} = {formula} only; multiply by the gradient "
    "arriving from the loss, ∂L/∂{child} = {upstream}":
        "dio solo la derivada local ∂{child}/∂{name} = {formula}; multiplíquela por el "
        "gradiente que llega desde la pérdida, ∂L/∂{child} = {upstream}",
    "you gave the gradient arriving at {child} only; multiply by its local derivative "
    "∂{child}/∂{name} = {formula}":
        "dio solo el gradiente que llega a {child}; multiplíquelo por su derivada local "
        "∂{child}/∂{name} = {formula}",
    "one factor too many: {op}′ is applied twice (an extra ∂{child}/∂{parent} = {formula} = "
    "{factor}); ∂L/∂{name} = {want}":
        "un factor de más: {op}′ se aplica dos veces (un ∂{child}/∂{parent} = {formula} = "
        "{factor} de más); ∂L/∂{name} = {want}",
    "a factor of the chain is missing: ∂{child}/∂{parent} = {formula} = {factor}; ∂L/∂{name} = "
    "{want}":
        "falta un factor de la cadena: ∂{child}/∂{parent} = {formula} = {factor}; ∂L/∂{name} = "
        "{want}",
    "∂L/∂{name} = {want}; write the chain rule path by path (explain())":
        "∂L/∂{name} = {want}; escriba la regla de la cadena camino por camino (explain())",
    "this is ∂L/∂{name} computed after {stale} had already been moved by one step (lr = {lr}): "
    "compute every gradient first, with the old weights, then update them all (∂L/∂{name} = "
    "{want})":
        "esto es ∂L/∂{name} calculado después de mover {stale} un paso (lr = {lr}): calcule "
        "primero todos los gradientes, con los pesos viejos, y después actualícelos todos "
        "(∂L/∂{name} = {want})",
    "consistent with the gradients you gave further up, but one of those is wrong, so this one "
    "is too (it should be {want})":
        "coherente con los gradientes que dio más arriba, pero uno de ellos está mal, así que "
        "este también (debería ser {want})",
    "{given} is not a number: write it with digits and a decimal point or comma (0.9518 or "
    "0,9518)":
        "{given} no es un número: escríbalo con cifras y un punto o una coma decimal (0.9518 o "
        "0,9518)",
    "the axes are in the other order: {want}, not {given} (rows first: a matrix that maps n "
    "inputs to m outputs as x @ W has shape (n, m))":
        "los ejes están en el otro orden: {want}, no {given} (primero las filas: una matriz "
        "que lleva n entradas a m salidas como x @ W tiene forma (n, m))",
    "the axes are in another order: {want}, not {given} (images here are channels first: "
    "(channels, height, width))":
        "los ejes están en otro orden: {want}, no {given} (aquí las imágenes van con los "
        "canales primero: (canales, alto, ancho))",
    "{want} has {n} axes, this has {k}: {given}": "{want} tiene {n} ejes, esta tiene {k}: {given}",
    "axis {axes} is wrong: the shape is {want}": "el eje {axes} está mal: la forma es {want}",
    "these are the right numbers, transposed: row i, column j of the answer is row j, column i "
    "of yours (shape {want})":
        "son los números correctos, traspuestos: la fila i, columna j de la respuesta es la "
        "fila j, columna i de la suya (forma {want})",
    "{n} of {total} rows are wrong: row {rows}": "{n} de {total} filas están mal: fila {rows}",
    "the sign": "el signo",
    "a path missing": "falta un camino",
    "a factor missing": "falta un factor",
    "one factor too many": "un factor de más",
    "a stale weight": "un peso ya actualizado",
    "carried from a wrong one above": "arrastrado de uno incorrecto más arriba",
    "transposed": "traspuesta",
    "the shape": "la forma",
    "some rows": "algunas filas",
    "not a number": "no es un número",
    "a step uphill": "un paso cuesta arriba",
    "the learning rate missing": "falta la tasa de aprendizaje",
    "the learning rate twice": "la tasa de aprendizaje dos veces",
    "the step alone": "solo el paso",
    "one example's gradient": "el gradiente de un ejemplo",
    "a sum, not a mean": "una suma, no una media",
    "other": "otro",
    "w − lr·∂L/∂w = {w} − {lr}·{g} = {want}": "w − lr·∂L/∂w = {w} − {lr}·{g} = {want}",
    "the step went uphill: the update subtracts lr·∂L/∂w (the gradient points up the slope), "
    "it does not add it":
        "el paso fue cuesta arriba: la actualización resta lr·∂L/∂w (el gradiente apunta hacia "
        "arriba de la pendiente), no lo suma",
    "the learning rate is missing: the step is lr·∂L/∂w, not ∂L/∂w":
        "falta la tasa de aprendizaje: el paso es lr·∂L/∂w, no ∂L/∂w",
    "the learning rate is applied twice (lr² instead of lr)":
        "la tasa de aprendizaje se aplica dos veces (lr² en lugar de lr)",
    "only the step was written: the new weight is the old weight minus lr·∂L/∂w":
        "solo se escribió el paso: el peso nuevo es el peso viejo menos lr·∂L/∂w",
    "this step uses the gradient from before the last update (stale): compute the gradient "
    "again at the current weights":
        "este paso usa el gradiente de antes de la última actualización (desactualizado): "
        "calcule el gradiente otra vez con los pesos actuales",
    "this step uses the gradient of example {k} only: the batch's gradient is the mean over "
    "its examples":
        "este paso usa solo el gradiente del ejemplo {k}: el gradiente del lote es la media "
        "sobre sus ejemplos",
    "this step uses the sum of the examples' gradients: the batch's gradient is their mean "
    "(the sum divided by {n})":
        "este paso usa la suma de los gradientes de los ejemplos: el gradiente del lote es su "
        "media (la suma dividida por {n})",
    "gradient size (log), from": "tamaño del gradiente (log), desde",
    "loss and metrics": "pérdida y métricas",
    "activations: mean ± std": "activaciones: media ± desvío",
    "gradient norm": "norma del gradiente",
    "update / weight (band: 1e-4 to 1e-2)": "paso / peso (franja: 1e-4 a 1e-2)",
    "train with fit(..., watch=True)\nto record this":
        "entrene con fit(..., watch=True)\npara registrar esto",
    "fit(live=True): the live view needs a notebook (Jupyter); training without it":
        "fit(live=True): la vista en vivo necesita un cuaderno (Jupyter); se entrena sin ella",
    "play": "reproducir",
    "pause": "pausa",
    "one epoch back": "una época atrás",
    "one epoch on": "una época adelante",
    "wrote {path}": "escrito: {path}",
    "forward pass: every value computed; no gradient yet":
        "propagación hacia adelante: todos los valores calculados; todavía ningún gradiente",
    "{gate} passes ∂out/∂{gate} back to {inputs}":
        "{gate} pasa ∂out/∂{gate} hacia atrás a {inputs}",
    "no input needs a gradient": "ninguna entrada necesita gradiente",
    "wire": "cable",
    "gradient": "gradiente",
    "local derivative": "derivada local",
    "an input": "una entrada",
    "one path to the output": "un camino hasta la salida",
    "{n} paths to the output": "{n} caminos hasta la salida",
    "its paths to the output": "sus caminos hasta la salida",
    "the output itself: ∂out/∂out = 1": "la salida misma: ∂out/∂out = 1",
    "nudge {name} by ε:": "mover {name} en ε:",
    "the gradient predicts Δout ≈ {predicted}; computed again, Δout = {measured}":
        "el gradiente predice Δout ≈ {predicted}; calculado otra vez, Δout = {measured}",
    "step {k} of {n}": "paso {k} de {n}",
    "practice: fill in the blanks": "práctica: complete los espacios en blanco",
    "{quantity} of {label}": "{quantity} de {label}",
    "not yet": "todavía no",
    "the start (Home)": "el comienzo (Inicio)",
    "one step back (←)": "un paso atrás (←)",
    "one step on (→)": "un paso adelante (→)",
    "the last step (End)": "el último paso (Fin)",
    "download the current view as SVG": "descargar la vista actual como SVG",
    "Hover a wire or a gate; click a node.":
        "Pase el puntero sobre un cable o una compuerta; haga clic en un nodo.",
    "collapse or expand the modules": "contraer o expandir los módulos",
    "modules": "módulos",
    "the start: only the inputs are known": "el comienzo: solo se conocen las entradas",
    "forward: {name} = {op}({args}) = {value}": "hacia adelante: {name} = {op}({args}) = {value}",
    "backward: ∂out/∂{name} = {grad} is complete":
        "hacia atrás: ∂out/∂{name} = {grad} está completo",
    "; it flows on to the inputs of {op}": "; pasa a las entradas de {op}",
    "the seed: ∂out/∂out = 1": "la semilla: ∂out/∂out = 1",
    "the gradient from the part of the graph not drawn":
        "el gradiente que llega de la parte del grafo no dibujada",
    "one path from {leaf} to {root}": "un camino de {leaf} a {root}",
    "{n} paths from {leaf} to {root}": "{n} caminos de {leaf} a {root}",
    "path": "camino",
    "product": "producto",
    "sum over paths": "suma sobre los caminos",
    "backprop gives": "la retropropagación da",
    "(one factor of 1 from + not written: a + passes its gradient on unchanged; explain(..., "
    "full=True) writes it)":
        "(un factor 1 de + sin escribir: un + pasa su gradiente sin cambiarlo; explain(..., "
        "full=True) lo escribe)",
    "({n} factors of 1 from + not written: a + passes its gradient on unchanged; explain(..., "
    "full=True) writes them)":
        "({n} factores 1 de + sin escribir: un + pasa su gradiente sin cambiarlo; explain(..., "
        "full=True) los escribe)",
    "train": "entrenamiento",
    "validation": "validación",
    "derivative": "derivada",
    "predicted class": "clase predicha",
    "true class": "clase verdadera",
    "unit": "neurona",
    "filter": "filtro",
    "layer {n}": "capa {n}",
    "{n} inputs": "{n} entradas",
    "red gates: the backward pass, recorded (create_graph=True)":
        "compuertas en rojo: la retropropagación, registrada (create_graph=True)",
    "Lab {lab} · feedback for {student}": "TP {lab} · devolución para {student}",
    "{points} of {total} points": "{points} de {total} puntos",
    "Mistake": "Error",
    "the graph, answers marked": "el grafo, con las respuestas marcadas",
    "what the check printed": "lo que imprimió la verificación",
    "Lab {lab} · class report": "TP {lab} · informe de la clase",
    "{n} notebooks graded in {seconds:.0f} s; mean {mean} of {total} points":
        "{n} notebooks corregidos en {seconds:.0f} s; promedio {mean} de {total} puntos",
    "exercise": "ejercicio",
    "blank": "en blanco",
    "error": "error",
    "the commonest mistakes": "los errores más comunes",
    "mistake": "error",
    "students": "estudiantes",
    "example": "ejemplo",
    "student": "estudiante",
    "total": "total",
    "By exercise": "Por ejercicio",
    "By student": "Por estudiante",
    "Notebooks that did not run to the end": "Notebooks que no corrieron hasta el final",
    "right, wrong, blank and error answers per exercise":
        "respuestas correctas, incorrectas, en blanco y con error por ejercicio",
    "an answer the check cannot use": "una respuesta que la verificación no puede usar",
    "the check could not use this answer ({error})":
        "la verificación no pudo usar esta respuesta ({error})",
    "the solution's check made no verdict": "la verificación de la solución no dio veredicto",
    "not defined: {names}": "sin definir: {names}",
    "checking took longer than {seconds} s": "la verificación tardó más de {seconds} s",
    "checking stopped without a verdict (a crash, or the memory limit)":
        "la verificación se detuvo sin veredicto (un error fatal, o el límite de memoria)",
    "this is the notebook of lab {theirs}, not of lab {lab}":
        "este es el notebook del TP {theirs}, no del TP {lab}",
    "no exercise of lab {lab} in this notebook (a notebook of another lab, or a new one)":
        "ningún ejercicio del TP {lab} en este notebook (un notebook de otro TP, o uno nuevo)",
    "stopped at cell {cell}: the notebook ran longer than {seconds} s":
        "detenido en la celda {cell}: el notebook corrió más de {seconds} s",
    "the exercise's cell (cell {cell}) raised {error}":
        "la celda del ejercicio (celda {cell}) produjo {error}",
    "cell {cell} ran longer than {seconds} s and was stopped":
        "la celda {cell} corrió más de {seconds} s y fue detenida",
    " (the kernel did not stop: it was killed)": " (el kernel no se detuvo: fue terminado)",
    "the kernel died in cell {cell} (a crash, or the CPU-time limit)":
        "el kernel murió en la celda {cell} (un error fatal, o el límite de tiempo de CPU)",
    "the kernel did not start ({error})": "el kernel no arrancó ({error})",
    "not run: {problem}": "no se corrió: {problem}",
    "the answers could not be read ({why})": "no se pudieron leer las respuestas ({why})",
    "the answers could not be read (the notebook changed how Python prints)":
        "no se pudieron leer las respuestas (el notebook cambió cómo imprime Python)",
    "{name} is not a Jupyter notebook ({why})": "{name} no es un notebook de Jupyter ({why})",
    "running {n} notebooks, {jobs} at a time": "corriendo {n} notebooks, {jobs} a la vez",
    "[{k}/{n}] ran {name} ({seconds} s)": "[{k}/{n}] corrió {name} ({seconds} s)",
    "checking the answers in the solution's kernel":
        "verificando las respuestas en el kernel de la solución",
    "graded {n} notebooks of lab {lab} in {seconds} s: mean {mean} of {total} points; "
    "{stopped} did not run to the end":
        "{n} notebooks del TP {lab} corregidos en {seconds} s: promedio {mean} de {total} "
        "puntos; {stopped} no corrieron hasta el final",
    "; report: {path}": "; informe: {path}",
}

add_phrases("es", SPANISH)
