/**
 * Graph mode: backprop through a computational graph of scalar operations, step by step.
 * Pure TypeScript (no DOM), safe to run in the renderer directly.
 */
export { OPS, UNARY_OPS, BINARY_OPS, FUNCTION_NAMES, FUNCTION_ALIASES, isOpKind } from './ops.js';
export type { OpKind, UnaryOp, BinaryOp, FunctionName, OpDefinition } from './ops.js';
export { GraphParseError, GraphInputError, GraphDomainError, closeNames, editDistance, placeAt } from './errors.js';
export type { ParseErrorKind, SourcePlace } from './errors.js';
export { tokenize } from './tokenizer.js';
export type { Token, TokenKind } from './tokenizer.js';
export { parseProgram, parseExpression, lookupFunction } from './parser.js';
export type { Ast, Statement } from './parser.js';
export { buildGraph, buildGraphFromOps, nodeFormula, isOperation, variableNode, consumers } from './graph.js';
export type { Graph, GraphNode, NodeKind, BuildOptions, OpSpec, OpListOptions } from './graph.js';
export { evaluate, inputValue } from './evaluate.js';
export type { ForwardResult, GraphInputs } from './evaluate.js';
export { createBackwardStepper, backward, backwardOrder } from './backward.js';
export type { BackwardStepper, BackwardStep, BackwardResult, LocalDerivative, Accumulation } from './backward.js';
export { finiteDifferenceCheck, FD_DEFAULTS } from './fd-check.js';
export type { FiniteDifferenceOptions, FiniteDifferenceReport, FiniteDifferenceRow } from './fd-check.js';
export { TUTORIAL_OPS, TUTORIAL_INPUTS, TUTORIAL_PROGRAM, TUTORIAL_EXPRESSION, tutorialGraph, tutorialProgramGraph } from './tutorial.js';
export {
  denseLayerOps,
  denseLayerVariables,
  denseLayerGraph,
  denseLayerInputs,
  compareDenseLayer,
  denseName,
  DENSE_EXAMPLE_SHAPE,
  DENSE_EXAMPLE_MATRICES,
  DENSE_FORMULAS,
} from './dense-layer.js';
export type { DenseLayerShape, DenseMatrices, DenseQuantity, DenseComparison, DenseComparisonRow } from './dense-layer.js';
export { layoutGraph, assignLayers } from './layout.js';
export type { GraphLayout, LayoutNode, LayoutEdge, LayoutOptions, Point } from './layout.js';
