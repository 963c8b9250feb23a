import GRDB

/// The knobs of one training run, stored as real columns of `runs` so SQL can group by them.
public struct Hyperparameters: Sendable, Equatable {
    /// Neurons in the hidden layer (`hidden_units`, at least 1).
    public var hiddenUnits: Int
    /// SGD step size (`learning_rate`, positive).
    public var learningRate: Double
    /// Planned number of epochs (`epochs`, at least 1).
    public var epochs: Int
    /// Seed of the random generator (`seed`).
    public var seed: Int
    /// Data set name, e.g. `double_moon` or a CSV file name (`dataset`).
    public var dataset: String
    /// Features per point, 2 for the plane (`input_dimension`).
    public var inputDimension: Int
    /// Points per SGD step (`batch_size`).
    public var batchSize: Int
    /// L2 penalty factor (`weight_decay`, 0 for none).
    public var weightDecay: Double
    /// How the training points are visited each epoch, e.g. `shuffled` (`visit_order`).
    public var visitOrder: String
    /// How the weights are initialized, e.g. `uniform` (`initialization`).
    public var initialization: String
    /// Points in the training split (`train_size`).
    public var trainSize: Int
    /// Points in the validation split, 0 for none (`validation_size`).
    public var validationSize: Int

    public init(
        hiddenUnits: Int, learningRate: Double, epochs: Int, seed: Int,
        dataset: String, inputDimension: Int, batchSize: Int, weightDecay: Double,
        visitOrder: String, initialization: String, trainSize: Int, validationSize: Int
    ) {
        self.hiddenUnits = hiddenUnits
        self.learningRate = learningRate
        self.epochs = epochs
        self.seed = seed
        self.dataset = dataset
        self.inputDimension = inputDimension
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.visitOrder = visitOrder
        self.initialization = initialization
        self.trainSize = trainSize
        self.validationSize = validationSize
    }
}

extension Hyperparameters {
    /// Reads the hyperparameter columns of a `runs` or `run_summary` row.
    init(row: Row) {
        self.init(
            hiddenUnits: row["hidden_units"], learningRate: row["learning_rate"],
            epochs: row["epochs"], seed: row["seed"],
            dataset: row["dataset"], inputDimension: row["input_dimension"],
            batchSize: row["batch_size"], weightDecay: row["weight_decay"],
            visitOrder: row["visit_order"], initialization: row["initialization"],
            trainSize: row["train_size"], validationSize: row["validation_size"])
    }

    /// Writes the hyperparameter columns of a `runs` row.
    func encode(to container: inout PersistenceContainer) {
        container["hidden_units"] = hiddenUnits
        container["learning_rate"] = learningRate
        container["epochs"] = epochs
        container["seed"] = seed
        container["dataset"] = dataset
        container["input_dimension"] = inputDimension
        container["batch_size"] = batchSize
        container["weight_decay"] = weightDecay
        container["visit_order"] = visitOrder
        container["initialization"] = initialization
        container["train_size"] = trainSize
        container["validation_size"] = validationSize
    }
}
